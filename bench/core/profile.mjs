// Where each pipeline's CPU goes, per layer, per span: the workload of pipeline.mjs run under
// `perf record -e task-clock` (bench-kit's startPerf: samples add up to the process's CPU time however
// loaded the machine is, V8's helper threads included), each sample given to the layer whose code
// ran — OpenTelemetry's SDK, API, OTLP serializer and HTTP exporter, @wideline/core, Node, GC.
// Rounds alternate the two pipelines; the table sums them and prints Wideline's difference.
//
//   node profile.mjs                      # 10 000 traces (50 000 spans) per round, 2 rounds
//   BENCH_TRACES=20000 BENCH_ROUNDS=3 node profile.mjs
//
// Not a test, and not part of `pnpm bench` (it needs perf).
import { spawnSync } from 'node:child_process';
import { groupLayers, perfAvailable, perfNodeFlags, startPerf } from '@wideline/bench-kit';
import { plainOtel, wideline } from './pipelines.mjs';
import { startReceiver } from './receiver.mjs';
import { runWorkload, SPANS_PER_TRACE } from './workload.mjs';

const TRACES = Number(process.env.BENCH_TRACES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

const classify = groupLayers({
  '@wideline/core': ['@wideline/core'],
  'OTel SDK (spans, ids, sampler, batching)': [
    '@opentelemetry/sdk-trace',
    '@opentelemetry/sdk-trace-base',
    '@opentelemetry/core',
    '@opentelemetry/resources',
  ],
  'OTel API': ['@opentelemetry/api'],
  'OTLP serializer (otlp-transformer)': ['@opentelemetry/otlp-transformer'],
  'OTLP HTTP exporter': ['@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/otlp-exporter-base'],
  'benchmark (workload)': ['workload.mjs', 'pipelines.mjs', 'profile.mjs'],
  'Node (event loop, HTTP, JSON, encoding)': ['node'],
  'V8 helper threads (compiler, GC)': ['thread: V8Worker', 'thread: V8 DefaultWorke'],
  'garbage collector': ['gc'],
  'V8 (program)': ['program'],
});

if (!perfNodeFlags.every((flag) => process.execArgv.includes(flag))) {
  const available = perfAvailable();
  if (!available.ok) throw new Error(`perf is needed: ${available.reason}`);
  const self = spawnSync(process.execPath, [...perfNodeFlags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(self.status ?? 1);
}

const receiver = await startReceiver();
const pipelines = { otel: plainOtel, wideline };
const totals = { otel: new Map(), wideline: new Map() };
const busy = { otel: 0, wideline: 0 };
async function round(name, profiled) {
  const pipeline = pipelines[name](receiver.url);
  const window = profiled ? await startPerf({ frequency: 4000 }) : undefined;
  await runWorkload(pipeline.tracer, TRACES);
  await pipeline.flush();
  const layers = await window?.stop(classify);
  await pipeline.shutdown();
  if (!layers) return;
  for (const [layer, { us }] of layers.layers) totals[name].set(layer, (totals[name].get(layer) ?? 0) + us);
  busy[name] += layers.totalUs;
}
await round('otel', false); // warm-up, both code paths
await round('wideline', false);
for (let r = 0; r < ROUNDS; r++)
  for (const name of r % 2 ? ['wideline', 'otel'] : ['otel', 'wideline']) await round(name, true);
receiver.stop();

const spans = TRACES * SPANS_PER_TRACE * ROUNDS;
const perSpan = (us) => (us / spans).toFixed(2);
const names = [...new Set([...totals.otel.keys(), ...totals.wideline.keys()])].sort(
  (a, b) => (totals.wideline.get(b) ?? 0) - (totals.wideline.get(a) ?? 0),
);
console.log(`${spans / ROUNDS} spans per round, ${ROUNDS} rounds, perf task-clock at 4 kHz; µs per span:`);
console.log(`${'layer'.padEnd(44)} ${'otel'.padStart(7)} ${'wideline'.padStart(9)} ${'diff'.padStart(7)}`);
for (const name of names) {
  const o = totals.otel.get(name) ?? 0;
  const w = totals.wideline.get(name) ?? 0;
  console.log(`${name.padEnd(44)} ${perSpan(o).padStart(7)} ${perSpan(w).padStart(9)} ${perSpan(w - o).padStart(7)}`);
}
console.log(
  `${'= busy'.padEnd(44)} ${perSpan(busy.otel).padStart(7)} ${perSpan(busy.wideline).padStart(9)} ${perSpan(busy.wideline - busy.otel).padStart(7)}   (wideline / otel ${(busy.wideline / busy.otel).toFixed(3)})`,
);
