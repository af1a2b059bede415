// One engine per process (chDB allows one session per process): `node engines.mjs <engine> <file>`
// loads the file and times the three questions of bench/query, printing one JSON line.
//   embedded    chDB through @wideline/query (what the CLI runs)
//   clickhouse  the same questions as ClickHouse SQL on Jaeger's own span table (its DDL), in chDB
//   duckdb      @duckdb/node-api: JSON.parse + appender load, the same questions in DuckDB SQL
// BENCH_QUERY_MODULE=<checkout>/packages/query/src/index.ts runs the embedded engine of another
// checkout instead (run model.mjs with it and without, to compare loaders side by side).
import { END_MS, START_MS } from './events-file.mjs';

const [engineName, file] = process.argv.slice(2);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const US = (ms) => ms * 1000;
const WINDOW = { fromUs: US(START_MS), toUs: US(END_MS) + 1 };
const REGRESS = {
  current: { fromUs: US(END_MS - 600_000), toUs: US(END_MS) + 1 },
  baseline: { fromUs: US(START_MS), toUs: US(END_MS - 600_000) },
};

async function time(fn) {
  const times = [];
  let last;
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    last = await fn();
    if (i > 0) times.push(performance.now() - t0);
  }
  return { ms: median(times), result: last };
}

async function model(engine) {
  const q = await import(process.env.BENCH_QUERY_MODULE ?? '@wideline/query');
  const spec = q.querySpec({
    where: "http.route = '/api/orders' and user.tier != 'free'",
    by: 'colo',
    agg: 'count, p99',
  });
  const groupBy = await time(() => q.runQuery(engine, spec, WINDOW));
  const compare = await time(() =>
    q.compareSelection(engine, q.querySpec({}), { kind: 'slowest', fraction: 0.05 }, WINDOW),
  );
  const regress = await time(() => q.regress(engine, q.querySpec({ by: 'service, name' }), REGRESS, 10));
  return {
    groupByMs: groupBy.ms,
    compareMs: compare.ms,
    regressMs: regress.ms,
    check: {
      p99: groupBy.result.rows.map((r) => [r[0], +Number(r[2]).toFixed(3)]),
      top: compare.result.fields[0]?.field,
      severe: regress.result.filter((g) => g.severity === 'severe').length,
    },
  };
}

if (engineName === 'embedded') {
  const { ChdbEngine } = await import(process.env.BENCH_QUERY_MODULE ?? '@wideline/query');
  const t0 = performance.now();
  const engine = await ChdbEngine.create();
  await engine.loadOtlpFile(file);
  const summary = await engine.finishLoad();
  const loadMs = performance.now() - t0;
  console.log(JSON.stringify({ engine: engineName, spans: summary.spans, loadMs, ...(await model(engine)) }));
  await engine.close();
} else if (engineName === 'clickhouse') {
  const { clickhouseLayout } = await import('./jaeger-layout.mjs');
  const { engine, loadMs, spans, plan, close } = await clickhouseLayout(file);
  console.log(JSON.stringify({ engine: engineName, spans, loadMs, ...(await model(engine)), plan }));
  close();
} else if (engineName === 'duckdb') {
  const { duckdb } = await import('./duckdb.mjs');
  console.log(JSON.stringify({ engine: engineName, ...(await duckdb(file, RUNS, REGRESS)) }));
} else {
  throw new Error(`unknown engine ${engineName}`);
}
