// The same load and questions on DuckDB (@duckdb/node-api), the other embedded engine considered.
// DuckDB's own read_json turns these nested OTLP lines into rows at a few ten thousand spans/s, so
// the fastest load found is JSON.parse in JavaScript plus DuckDB's appender (data chunks).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTimestampValue,
  VARCHAR,
} from '@duckdb/node-api';

async function parse(path) {
  const fixed = {
    trace_id: [],
    span_id: [],
    parent_span_id: [],
    service: [],
    name: [],
    status: [],
    start_us: [],
    duration_ms: [],
  };
  const attrs = new Map();
  let n = 0;
  const value = (v) =>
    v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue));
  for await (const line of createInterface({
    input: createReadStream(path, { highWaterMark: 1 << 20 }),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (!line) continue;
    for (const rs of JSON.parse(line).resourceSpans ?? []) {
      const resource = rs.resource?.attributes ?? [];
      const service = resource.find((a) => a.key === 'service.name')?.value.stringValue ?? 'unknown_service';
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? []) {
          fixed.trace_id.push(s.traceId);
          fixed.span_id.push(s.spanId);
          fixed.parent_span_id.push(s.parentSpanId ?? '');
          fixed.service.push(service);
          fixed.name.push(s.name);
          fixed.status.push(s.status?.code === 2 ? 'ERROR' : 'UNSET');
          const start = Number(s.startTimeUnixNano.slice(0, -3));
          fixed.start_us.push(start);
          fixed.duration_ms.push((Number(s.endTimeUnixNano.slice(0, -3)) - start) / 1000);
          for (const list of [resource, s.attributes ?? []])
            for (const a of list) {
              let column = attrs.get(a.key);
              if (!column) {
                column = [];
                attrs.set(a.key, column);
              }
              column[n] = value(a.value);
            }
          n++;
        }
    }
  }
  return { n, fixed, attrs };
}

const typeOf = (column) => {
  for (const v of column)
    if (v !== undefined)
      return typeof v === 'string'
        ? 'VARCHAR'
        : typeof v === 'boolean'
          ? 'BOOLEAN'
          : Number.isInteger(v)
            ? 'BIGINT'
            : 'DOUBLE';
  return 'VARCHAR';
};

export async function duckdb(path, runs, regressWindows) {
  const t0 = performance.now();
  const { n, fixed, attrs } = await parse(path);
  const parseMs = performance.now() - t0;
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const keys = [...attrs.keys()];
  const types = keys.map((k) => typeOf(attrs.get(k)));
  await c.run(
    `CREATE TABLE events (trace_id VARCHAR, span_id VARCHAR, parent_span_id VARCHAR, service VARCHAR, name VARCHAR, status VARCHAR, start_time TIMESTAMP, duration_ms DOUBLE, ${keys.map((k, i) => `"${k}" ${types[i]}`).join(', ')})`,
  );
  const appender = await c.createAppender('events');
  const T = { VARCHAR, DOUBLE, BIGINT, BOOLEAN };
  const columnTypes = [
    VARCHAR,
    VARCHAR,
    VARCHAR,
    VARCHAR,
    VARCHAR,
    VARCHAR,
    (await import('@duckdb/node-api')).TIMESTAMP,
    DOUBLE,
    ...types.map((t) => T[t]),
  ];
  for (let off = 0; off < n; off += 2048) {
    const m = Math.min(2048, n - off);
    const chunk = DuckDBDataChunk.create(columnTypes, m);
    const slice = (a) => a.slice(off, off + m);
    chunk.setColumns([
      slice(fixed.trace_id),
      slice(fixed.span_id),
      slice(fixed.parent_span_id),
      slice(fixed.service),
      slice(fixed.name),
      slice(fixed.status),
      slice(fixed.start_us).map((u) => new DuckDBTimestampValue(BigInt(u))),
      slice(fixed.duration_ms),
      ...keys.map((k, i) =>
        Array.from({ length: m }, (_, j) => {
          const v = attrs.get(k)[off + j];
          return v === undefined ? null : types[i] === 'BIGINT' ? BigInt(v) : v;
        }),
      ),
    ]);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  const loadMs = performance.now() - t0;
  const W = 'coalesce(CASE WHEN "wideline.sample_rate" > 0 THEN "wideline.sample_rate"::DOUBLE END, 1.0)';
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const time = async (sql) => {
    const times = [];
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      await c.runAndReadAll(sql);
      if (i > 0) times.push(performance.now() - t);
    }
    return median(times);
  };
  // Weighted nearest rank with window functions: DuckDB has no weighted quantile aggregate.
  const groupByMs =
    await time(`WITH b AS (SELECT colo, duration_ms AS v, ${W} AS w FROM events WHERE "http.route" = '/api/orders' AND "user.tier" != 'free'),
    r AS (SELECT *, sum(w) OVER (PARTITION BY colo ORDER BY v ROWS UNBOUNDED PRECEDING) AS cum, sum(w) OVER (PARTITION BY colo) AS tot FROM b)
    SELECT colo, sum(w), min(v) FILTER (WHERE cum >= 0.99 * tot) FROM r GROUP BY colo`);
  const fields = keys.filter((k) => !['wideline.sample_rate'].includes(k));
  const compareMs =
    await time(`WITH t AS (SELECT v FROM (SELECT duration_ms AS v, ${W} AS w, sum(${W}) OVER (ORDER BY duration_ms ROWS UNBOUNDED PRECEDING) AS cum, sum(${W}) OVER () AS tot FROM events) WHERE cum >= 0.95 * tot LIMIT 1),
    b AS (SELECT duration_ms > (SELECT v FROM t) AS sel, ${W} AS w, service, name, ${fields.map((k) => `"${k}"::VARCHAR AS "${k}"`).join(', ')} FROM events)
    SELECT sel, col, val, sum(w) FROM (UNPIVOT b ON service, name, ${fields.map((k) => `"${k}"`).join(', ')} INTO NAME col VALUE val) GROUP BY ALL`);
  const cut = `make_timestamp(${regressWindows.current.fromUs})`;
  const regressMs =
    await time(`WITH b AS (SELECT service, name, start_time >= ${cut} AS cur, duration_ms AS v, ${W} AS w, status = 'ERROR' AS e FROM events),
    r AS (SELECT *, sum(w) OVER (PARTITION BY service, name, cur ORDER BY v ROWS UNBOUNDED PRECEDING) AS cum, sum(w) OVER (PARTITION BY service, name, cur) AS tot FROM b)
    SELECT service, name, cur, sum(w), min(v) FILTER (WHERE cum >= 0.5 * tot), min(v) FILTER (WHERE cum >= 0.95 * tot), min(v) FILTER (WHERE cum >= 0.99 * tot), sum(w) FILTER (WHERE e) / sum(w) FROM r GROUP BY ALL`);
  return { spans: n, loadMs, parseMs, groupByMs, compareMs, regressMs };
}
