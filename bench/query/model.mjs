// bench/query: the query model on 1,000,000 wide events. For each engine (one process each, as
// chDB allows one session per process): load from OTLP/JSON (spans/s), then a filtered group-by with
// p99, a compare (slowest 5 %) and a regress (last 10 minutes against the 50 before), median of
// BENCH_RUNS after a warm-up. Then the same stats question through Jaeger's search API, the way
// `wideline stats` answered it before the engine (JSON in JavaScript, at most --depth traces), beside
// the engine on the same Jaeger window.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { eventsFile } from './events-file.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ENGINES = (process.env.BENCH_ENGINES ?? 'embedded,clickhouse,duckdb').split(',');
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const ms = (x) => `${Math.round(x).toLocaleString('en-US')} ms`;

const { path, bytes } = await eventsFile(EVENTS);
console.log(
  `${EVENTS.toLocaleString('en-US')} wide events over one hour: ${path} (${(bytes / 2 ** 20).toFixed(0)} MiB of OTLP/JSON lines)`,
);
const results = {};
for (const engine of ENGINES) {
  const run = spawnSync(process.execPath, [here('engines.mjs'), engine, path], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(`${engine}: ${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split('\n').at(-1));
  results[engine] = r;
  const rate = Math.round((r.spans / r.loadMs) * 1000).toLocaleString('en-US');
  console.log(
    `${engine.padEnd(10)} load ${ms(r.loadMs)} (${rate} spans/s) · group-by p99 ${ms(r.groupByMs)} · compare ${ms(r.compareMs)} · regress ${ms(r.regressMs)}`,
  );
  if (r.check)
    console.log(
      `           check: p99 by colo ${JSON.stringify(r.check.p99)}, compare's top field ${r.check.top}, ${r.check.severe} severe groups`,
    );
  if (r.plan)
    console.log(
      `           plan: reads ${r.plan.columnsRead.length} of the span table's ${r.plan.tableColumns} columns (${r.plan.columnsRead.join(', ')}); ${(r.plan.bytesRead / 2 ** 20).toFixed(1)} MiB read of ${(r.plan.tableBytes / 2 ** 20).toFixed(1)} MiB`,
    );
}
const e = results.embedded;
if (e)
  console.log(
    `target: each question under 1 s after load on the embedded engine: ${[e.groupByMs, e.compareMs, e.regressMs].every((x) => x < 1000) ? 'met' : 'NOT met'}; load ≥ 200,000 spans/s: ${e.spans / e.loadMs >= 200 ? 'met' : 'NOT met'}`,
  );
if (results.duckdb && e)
  console.log(
    `DuckDB / chDB: load ${(results.duckdb.loadMs / e.loadMs).toFixed(2)}× · group-by ${(results.duckdb.groupByMs / e.groupByMs).toFixed(2)}× · compare ${(results.duckdb.compareMs / e.compareMs).toFixed(2)}× · regress ${(results.duckdb.regressMs / e.regressMs).toFixed(2)}×`,
  );
console.log(`load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`);
