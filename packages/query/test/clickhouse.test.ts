import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../src/analysis/check.ts';
import { compareSelection } from '../src/analysis/compare.ts';
import { computeHeatmap } from '../src/analysis/heatmap.ts';
import { regress } from '../src/analysis/regress.ts';
import { parseRules } from '../src/analysis/rules.ts';
import { runQuery } from '../src/analysis/run-query.ts';
import { ChdbEngine } from '../src/engine/chdb-engine.ts';
import {
  ClickHouseEngine,
  ClickHouseResponseError,
  ClickHouseUnreachableError,
  openClickHouse,
} from '../src/engine/clickhouse-engine.ts';
import type { QueryEngine } from '../src/engine/engine.ts';
import { querySpec } from '../src/model/query.ts';
import { compileQuery } from '../src/sql/compile.ts';
import { fixtureSpans, T0_US } from './engine-fixture.ts';
import { chdbTransport, httpFront, jaegerStore } from './support/jaeger-clickhouse.ts';

const WINDOW = { fromUs: T0_US - 60e6, toUs: T0_US + 600e6 };
const spans = fixtureSpans();

/** The same questions, asked of an engine; results must not depend on where the spans are stored. */
async function questions(engine: QueryEngine) {
  const q = (input: Parameters<typeof querySpec>[0]) => runQuery(engine, querySpec(input), WINDOW).then((r) => r.rows);
  const [rule] = parseRules(
    "rules: [{ name: r, severity: P1, when: 'p99 > 100ms', for: 5m, every: 1m, by: service }]",
    'r.yaml',
  );
  return {
    grouped: await q({
      by: 'service, colo',
      agg: 'count, events, errors, error_rate, p50, p95, p99, avg, min, max, distinct(user.tier), sum(payload.kb)',
    }),
    filtered: await q({
      where: "hashMismatchCount > 0 and colo = 'ewr' or not exists user.tier",
      by: 'service',
      agg: 'events, p99',
    }),
    typed: await q({ where: 'cache.hit = true or payload.kb > 1.6', by: 'name', agg: 'events' }),
    buckets_by_duration: await q({ by: 'duration_bucket', agg: 'events, p99' }),
    topk: await q({ by: 'colo', agg: 'count, p99', top: 2 }),
    buckets: await q({ by: 'service', agg: 'events, rate', every: '1m' }),
    spans: await q({ by: 'db.system', agg: 'events', spans: true }),
    sql: (
      await engine.userSql(
        'WITH 2 AS k SELECT service, count() AS n FROM events WHERE hashMismatchCount >= k GROUP BY service ORDER BY service',
        WINDOW,
      )
    ).rows,
    compare: await compareSelection(engine, querySpec({}), { kind: 'errors' }, WINDOW),
    regress: await regress(
      engine,
      querySpec({ by: 'service' }),
      {
        baseline: { fromUs: T0_US - 60e6, toUs: T0_US + 100e6 },
        current: { fromUs: T0_US + 100e6, toUs: T0_US + 600e6 },
      },
      1,
    ),
    check: (await evaluateRule(engine, rule!, T0_US + 300e6)).groups,
    heatmap: (await computeHeatmap(engine, querySpec({}), WINDOW, 10)).cells,
  };
}

describe("the query model on Jaeger's own ClickHouse tables (ClickHouse engine in process)", () => {
  it('answers every question exactly as the embedded engine does', async () => {
    const embedded = await ChdbEngine.create();
    let expected: Awaited<ReturnType<typeof questions>>;
    try {
      await embedded.loadSpans(spans);
      await embedded.finishLoad();
      expected = await questions(embedded);
    } finally {
      await embedded.close();
    }
    const store = await jaegerStore(spans);
    try {
      const engine = new ClickHouseEngine(chdbTransport(store), 'jaeger');
      const actual = await questions(engine);
      expect(actual).toEqual(expected);
      expect(expected.grouped.length).toBeGreaterThan(5);
      expect(expected.compare.fields.length).toBeGreaterThan(0);
      // Jaeger's materialized views saw the inserts too: its own tables are complete.
      expect(store.query('SELECT name FROM jaeger.services ORDER BY name', 'CSV')).toBe('"api"\n"db"\n"jobs"\n"ws"\n');
    } finally {
      store.close();
    }
  });

  it('reads only the columns a query needs from Jaeger’s span table', async () => {
    const store = await jaegerStore(spans);
    try {
      const engine = new ClickHouseEngine(chdbTransport(store), 'jaeger');
      const spec = querySpec({ where: "colo = 'ewr'", by: 'service', agg: 'count, p99' });
      const { sql } = compileQuery(spec, await engine.relation('events', WINDOW));
      const plan = String((await engine.run(`EXPLAIN actions = 1 ${sql}`)).rows.map((r) => r[0]).join('\n'));
      const reads = [
        ...plan.matchAll(
          /ReadFromMergeTree \(jaeger\.spans\)[\s\S]*?Output: ([^\n]*)(?:[\s\S]*?Prewhere filter column: ([^\n]*))?/g,
        ),
      ];
      const columns = new Set(reads.flatMap((m) => m[1]!.split(', ')).map((c) => c.trim()));
      const all = store
        .query("SELECT name FROM system.columns WHERE database = 'jaeger' AND table = 'spans'", 'CSV')
        .trim()
        .split('\n');
      expect(reads.length).toBeGreaterThanOrEqual(2);
      for (const c of columns)
        expect([
          'trace_id',
          'id',
          'parent_span_id',
          'service_name',
          'status_code',
          'start_time',
          'duration',
          'str_attributes.key',
          'str_attributes.value',
          'int_attributes.key',
          'int_attributes.value',
          'resource_str_attributes.key',
          'resource_str_attributes.value',
        ]).toContain(c);
      expect(columns.size).toBeLessThan(all.length / 3);
    } finally {
      store.close();
    }
  });
});

describe('ClickHouse over HTTP with @clickhouse/client', () => {
  it('runs the model and wideline sql through the HTTP interface, and passes readonly to the server', async () => {
    const store = await jaegerStore(spans);
    const front = await httpFront(store);
    try {
      const engine = await openClickHouse({ url: front.url, database: 'jaeger' });
      const rows = (await runQuery(engine, querySpec({ by: 'service', agg: 'events', order: 'service:asc' }), WINDOW))
        .rows;
      expect(rows).toEqual([
        ['api', 4],
        ['db', 1],
        ['jobs', 1],
        ['ws', 3],
      ]);
      expect((await engine.userSql('SELECT count() FROM spans', WINDOW)).rows).toEqual([[10]]);
      await expect(engine.run("INSERT INTO jaeger.services SELECT 'x'", { readonly: 2 })).rejects.toThrow(
        /readonly mode/,
      );
      await engine.close();
      const wrongDb = await openClickHouse({ url: front.url, database: 'nope' });
      const error = await runQuery(wrongDb, querySpec({}), WINDOW).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClickHouseResponseError);
      expect((error as ClickHouseResponseError).exitCode).toBe(5);
      expect((error as Error).message).toMatch(/has no database for `nope`\.spans: set --clickhouse-database/);
      await wrongDb.close();
    } finally {
      await new Promise((r) => front.server.close(r));
      store.close();
    }
  });

  it('fails with exit code 3 and the fix when ClickHouse does not answer', async () => {
    const error = await openClickHouse({ url: 'http://127.0.0.1:9', timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClickHouseUnreachableError);
    expect((error as ClickHouseUnreachableError).exitCode).toBe(3);
    expect((error as Error).message).toBe(
      "ClickHouse is not reachable at http://127.0.0.1:9 (ECONNREFUSED). Start the stack's ClickHouse profile with `docker compose --profile clickhouse up -d`, or point at another server with --clickhouse <url> / WIDELINE_CLICKHOUSE_URL.",
    );
  });
});
