// Spans per second and CPU per span: Wideline (tail sampler keeping everything + redaction + bounded
// batching + OTLP/HTTP exporter) against plain OpenTelemetry (BasicTracerProvider + BatchSpanProcessor
// + OTLPTraceExporter), same process, same receiver, alternating rounds. Prints the ratio; every
// round's figures and its Wideline / plain OTel ratios go to bench/results/core-pipeline.json.
import { BenchResults } from '@wideline/bench-kit';
import { plainOtel, wideline } from './pipelines.mjs';
import { startReceiver } from './receiver.mjs';
import { runWorkload, SPANS_PER_TRACE } from './workload.mjs';

const TRACES = Number(process.env.BENCH_TRACES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function measure(make, url) {
  const pipeline = make(url);
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await runWorkload(pipeline.tracer, TRACES);
  await pipeline.flush();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const dropped = pipeline.dropped();
  await pipeline.shutdown();
  const spans = TRACES * SPANS_PER_TRACE;
  return { spansPerSec: spans / (wallMs / 1000), cpuUsPerSpan: (cpu.user + cpu.system) / spans, dropped };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const receiver = await startReceiver();
const results = { otel: [], wideline: [] };
const samples = new BenchResults('core-pipeline', { params: { traces: TRACES, rounds: ROUNDS } });
await measure(plainOtel, receiver.url); // warm-up, both code paths
await measure(wideline, receiver.url);
for (let round = 0; round < ROUNDS; round++) {
  results.otel.push(await measure(plainOtel, receiver.url));
  results.wideline.push(await measure(wideline, receiver.url));
  for (const [variant, runs] of Object.entries(results)) {
    const r = runs[round];
    samples.add({ metric: 'throughput', variant, value: r.spansPerSec, unit: 'spans/s', kind: 'throughput' });
    samples.add({ metric: 'cpu_per_span', variant, value: r.cpuUsPerSpan, unit: 'µs', kind: 'latency' });
  }
  const [w, o] = [results.wideline[round], results.otel[round]];
  const variant = 'wideline / otel';
  samples.add({ metric: 'cpu_per_span', variant, value: w.cpuUsPerSpan / o.cpuUsPerSpan, unit: '×', kind: 'latency' });
  samples.add({ metric: 'throughput', variant, value: w.spansPerSec / o.spansPerSec, unit: '×', kind: 'throughput' });
}
receiver.stop();

const summary = Object.fromEntries(
  Object.entries(results).map(([name, runs]) => [
    name,
    {
      spansPerSec: median(runs.map((r) => r.spansPerSec)),
      cpuUsPerSpan: median(runs.map((r) => r.cpuUsPerSpan)),
      dropped: Math.max(...runs.map((r) => r.dropped)),
    },
  ]),
);
console.log(
  `pipeline: ${TRACES * SPANS_PER_TRACE} spans per round, ${ROUNDS} rounds, medians (Node ${process.version})`,
);
console.table(summary);
const ratio = summary.wideline.cpuUsPerSpan / summary.otel.cpuUsPerSpan;
console.log(
  `CPU per span, Wideline / plain OTel: ${ratio.toFixed(3)} (extra cost ${((ratio - 1) * 100).toFixed(1)}%; issue 14: ≤ 1.05)`,
);
console.log(
  `throughput, Wideline / plain OTel: ${(summary.wideline.spansPerSec / summary.otel.spansPerSec).toFixed(3)}`,
);
samples.write();
