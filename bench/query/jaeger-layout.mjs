// Jaeger's ClickHouse storage in chDB for the bench: Jaeger's own DDL (from the module the stack
// builds), the events converted from OTLP to Jaeger's column layout in SQL (typed attribute arrays,
// as its writer stores them), and @wideline/query's ClickHouseEngine on top.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClickHouseEngine, compileQuery, querySpec } from '@wideline/query';
import { Session } from 'chdb';
import { END_MS, START_MS } from './events-file.mjs';

const MODULE = 'github.com/jaegertracing/jaeger@v1.76.0';
const DDL = [
  'create_spans_table.sql',
  'create_services_table.sql',
  'create_services_mv.sql',
  'create_operations_table.sql',
  'create_operations_mv.sql',
];

const VALUE =
  'Tuple(stringValue Nullable(String), intValue Nullable(String), doubleValue Nullable(String), boolValue Nullable(Bool), arrayValue Nullable(String), kvlistValue Nullable(String), bytesValue Nullable(String))';
const KV = `Array(Tuple(key String, value ${VALUE}))`;
const SCHEMA = `resourceSpans Array(Tuple(resource Tuple(attributes ${KV}), scopeSpans Array(Tuple(scope Tuple(name String, version String), spans Array(Tuple(traceId String, spanId String, parentSpanId String, name String, kind String, startTimeUnixNano String, endTimeUnixNano String, attributes ${KV}, status Tuple(code String, message String)))))))`;

const typed = (list, kind) => {
  const sel = { str: 'stringValue', int: 'intValue', double: 'doubleValue', bool: 'boolValue' }[kind];
  const conv = {
    str: (v) => `assumeNotNull(${v})`,
    int: (v) => `toInt64(assumeNotNull(${v}))`,
    double: (v) => `toFloat64(assumeNotNull(${v}))`,
    bool: (v) => `assumeNotNull(${v})`,
  }[kind];
  const f = `arrayFilter(a -> a.value.${sel} IS NOT NULL, ${list})`;
  return [`arrayMap(a -> a.key, ${f})`, `arrayMap(a -> ${conv(`a.value.${sel}`)}, ${f})`];
};

export async function clickhouseLayout(file) {
  const session = new Session();
  const q = (sql, format = 'JSONCompact') => session.query(sql, format);
  const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const dir = join(cache, MODULE, 'internal/storage/v2/clickhouse/sql');
  q(
    "SET input_format_json_read_numbers_as_strings = 1, input_format_json_read_objects_as_strings = 1, input_format_skip_unknown_fields = 1, session_timezone = 'UTC', output_format_json_quote_64bit_integers = 0",
  );
  q('CREATE DATABASE jaeger');
  q('USE jaeger');
  for (const f of DDL) q(readFileSync(join(dir, f), 'utf8'));
  const t0 = performance.now();
  const kinds = ['bool', 'double', 'int', 'str'];
  const cols = kinds.flatMap((k) => [`${k}_attributes.key`, `${k}_attributes.value`]);
  const own = kinds.flatMap((k) => typed('sp.attributes', k));
  const res = kinds.flatMap((k) => typed('rs.resource.attributes', k));
  q(`INSERT INTO jaeger.spans (id, trace_id, trace_state, parent_span_id, name, kind, start_time, status_code, status_message, duration, ${cols.map((c) => `\`${c}\``).join(', ')}, service_name, ${cols.map((c) => `\`resource_${c}\``).join(', ')}, scope_name, scope_version)
    SELECT sp.spanId, sp.traceId, '', sp.parentSpanId, sp.name, multiIf(sp.kind = '2', 'server', sp.kind = '3', 'client', sp.kind = '1', 'internal', ''),
      fromUnixTimestamp64Nano(toInt64(sp.startTimeUnixNano)), multiIf(sp.status.code = '2', 'Error', sp.status.code = '1', 'Ok', 'Unset'), sp.status.message,
      toInt64(sp.endTimeUnixNano) - toInt64(sp.startTimeUnixNano), ${own.join(', ')},
      arrayElement(rs.resource.attributes, indexOf(rs.resource.attributes.key, 'service.name')).value.stringValue, ${res.join(', ')}, ss.scope.name, ss.scope.version
    FROM file('${file}', 'JSONEachRow', '${SCHEMA}') ARRAY JOIN resourceSpans AS rs ARRAY JOIN rs.scopeSpans AS ss ARRAY JOIN ss.spans AS sp`);
  const loadMs = performance.now() - t0;
  const spans = JSON.parse(q('SELECT count() FROM jaeger.spans')).data[0][0];
  const transport = {
    origin: 'chdb',
    async query(sql, settings) {
      const list = Object.entries(settings).map(([k, v]) => `${k} = ${v}`);
      const text =
        list.length === 0
          ? sql
          : /\bSETTINGS\s+[^()]*$/i.test(sql)
            ? `${sql}, ${list.join(', ')}`
            : `${sql} SETTINGS ${list.join(', ')}`;
      return (await session.queryAsync(text, { format: 'JSONCompact' })).text();
    },
    async close() {},
  };
  const engine = new ClickHouseEngine(transport, 'jaeger');
  // Plan shape: which of the span table's columns the filtered group-by reads, and how many bytes.
  const window = { fromUs: START_MS * 1000, toUs: END_MS * 1000 + 1 };
  const { sql } = compileQuery(
    querySpec({ where: "http.route = '/api/orders' and user.tier != 'free'", by: 'colo', agg: 'count, p99' }),
    await engine.relation('events', window),
  );
  const explain = JSON.parse(q(`EXPLAIN actions = 1 ${sql}`))
    .data.map((r) => r[0])
    .join('\n');
  const read = new Set();
  for (const m of explain.matchAll(/ReadFromMergeTree \(jaeger\.spans\)[\s\S]*?Output: ([^\n]*)/g))
    for (const c of m[1].split(', ')) read.add(c.trim());
  const columns = JSON.parse(
    q("SELECT name FROM system.columns WHERE database = 'jaeger' AND table = 'spans'"),
  ).data.map((r) => r[0]);
  // Columns PREWHERE reads come as an expression: take the span table's column names in it.
  for (const m of explain.matchAll(/Prewhere filter column: ([^\n]*)/g))
    for (const c of columns) if (new RegExp(`(^|[^\\w.])${c.replace('.', '\\.')}([^\\w.]|$)`).test(m[1])) read.add(c);
  const ran = JSON.parse(q(sql));
  const table = JSON.parse(
    q("SELECT count(), sum(data_uncompressed_bytes) FROM system.columns WHERE database = 'jaeger' AND table = 'spans'"),
  ).data[0];
  return {
    engine,
    loadMs,
    spans,
    plan: {
      columnsRead: [...read],
      tableColumns: table[0],
      bytesRead: ran.statistics.bytes_read,
      tableBytes: Number(table[1]),
    },
    close: () => session.close(),
  };
}
