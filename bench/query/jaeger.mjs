// The stats question through Jaeger's search API, before and after the engine: N generated events
// posted to the local Jaeger under a fresh service name, then "count and weighted p50/p95/p99 by
// colo" answered (a) the way `wideline stats` did before — the v3 search answer parsed with
// JSON.parse and reduced in JavaScript — and (b) by `wideline stats` now, which hands the same answer
// to the embedded engine; both read the same --depth traces. Median of BENCH_RUNS.
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { computeStats, JaegerClient } from '@wideline/query';
import { generateWideEvents, otlpBatches } from '@wideline/testkit';
// The CLI in process, so that the timing leaves out Node's start-up (runCli is not public API).
import { runCli } from '../../packages/query/src/run.ts';

const N = Number(process.env.BENCH_JAEGER_EVENTS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const JAEGER = process.env.WIDELINE_JAEGER_QUERY_URL ?? 'http://localhost:16686';
const OTLP = process.env.WIDELINE_OTLP_URL ?? 'http://localhost:4318';
const service = `bench-${randomBytes(3).toString('hex')}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = Date.now();
const events = generateWideEvents({
  count: N,
  startMs: now - 30 * 60_000,
  endMs: now - 1000,
  services: [service],
  seed: 3,
  idSeed: now,
});
for (const body of otlpBatches(events, 1000)) {
  const res = await fetch(`${OTLP}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`OTLP receiver answered ${res.status}`);
}
const jaeger = new JaegerClient({ url: JAEGER, timeoutMs: 120_000 });
const search = { service, startMinUs: (now - 3600_000) * 1000, startMaxUs: (Date.now() + 60_000) * 1000, limit: N };
for (let i = 0; i < 100; i++) {
  if ((await jaeger.searchTraces(search)).traces.size >= N) break;
  await new Promise((r) => setTimeout(r, 500));
}
const before = [];
const after = [];
let checked = '';
for (let i = 0; i <= RUNS; i++) {
  const t0 = performance.now();
  const { traces } = await jaeger.searchTraces(search);
  const groups = computeStats(traces.values(), { service, by: 'colo', percentiles: [50, 95, 99], where: [] });
  const t1 = performance.now();
  let out = '';
  const code = await runCli(
    ['stats', '-s', service, '--by', 'colo', '--since', '1h', '--depth', String(N), '--json', '--jaeger', JAEGER],
    {
      stdout: { write: (t) => (out += t) },
      stderr: { write: () => {} },
    },
  );
  const t2 = performance.now();
  if (code !== 0) throw new Error(`wideline stats exited ${code}`);
  const now = JSON.parse(out).groups;
  checked = JSON.stringify(now) === JSON.stringify(groups) ? 'same groups and percentiles' : 'DIFFERENT results';
  if (i > 0) {
    before.push(t1 - t0);
    after.push(t2 - t1);
  }
}
const b = median(before);
const a = median(after);
console.log(
  `${N.toLocaleString('en-US')} wide events in Jaeger (one service, --depth ${N}): stats by colo with p50/p95/p99`,
);
console.log(
  `  before (search API + JSON.parse + JavaScript): ${Math.round(b)} ms · now (search API → embedded engine): ${Math.round(a)} ms → ${(a / b).toFixed(2)}× (${checked})`,
);
console.log(
  `  per event: ${((b * 1000) / N).toFixed(1)} µs before, ${((a * 1000) / N).toFixed(1)} µs now; both bounded by what one Jaeger search returns`,
);
console.log(`load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`);
