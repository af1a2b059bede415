// Peak memory while the collector is down, for 1,000,000 spans: the export queue and the tail buffer
// are bounded, so memory must stay flat and every span not exported must be counted as dropped.
// Figures go to bench/results/core-dead-collector.json.
import { createServer } from 'node:http';
import { BenchResults } from '@wideline/bench-kit';
import { createNodeTracing } from '@wideline/core/node';
import { runWorkload, SPANS_PER_TRACE } from './workload.mjs';

const SPANS = Number(process.env.BENCH_DEAD_SPANS ?? 1_000_000);
const probe = createServer();
await new Promise((r) => probe.listen(0, '127.0.0.1', r));
const { port } = probe.address();
await new Promise((r) => probe.close(r)); // nothing listens there now: a dead collector

const tracing = createNodeTracing({
  serviceName: 'bench-dead',
  register: false,
  tracesEndpoint: `http://127.0.0.1:${port}/v1/traces`,
  exportTimeoutMs: 2000,
  sampling: { tail: { probability: 1, slowMs: 60_000 } },
  onWarning: () => {},
});

globalThis.gc?.();
const baseline = process.memoryUsage();
let peakHeap = baseline.heapUsed;
let peakRss = baseline.rss;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
}, 20);
const t0 = performance.now();
// Retained heap after a full GC at every tenth of the run: flat if the pipeline is bounded.
const retained = [];
const CHUNKS = 10;
for (let chunk = 0; chunk < CHUNKS; chunk++) {
  await runWorkload(tracing.tracer, SPANS / SPANS_PER_TRACE / CHUNKS);
  globalThis.gc?.();
  retained.push(process.memoryUsage().heapUsed);
}
await tracing.forceFlush();
clearInterval(sampler);
const stats = tracing.stats();
const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;
console.log(`dead collector: ${SPANS} spans in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(
  `  heap: baseline ${mb(baseline.heapUsed)}, peak ${mb(peakHeap)} (+${mb(peakHeap - baseline.heapUsed)}); rss peak ${mb(peakRss)}`,
);
console.log(`  retained heap after GC per ${SPANS / CHUNKS} spans: ${retained.map((b) => mb(b)).join(', ')}`);
console.log(`  export: ${JSON.stringify(stats.export)}`);
const accounted =
  stats.export.spansExported +
  stats.export.spansDroppedQueueFull +
  stats.export.spansDroppedExportFailed +
  stats.export.queued;
const samples = new BenchResults('core-dead-collector', { params: { spans: SPANS } });
const variant = 'wideline';
const MiB = 1024 * 1024;
samples.add({
  metric: 'heap_growth_peak',
  variant,
  value: (peakHeap - baseline.heapUsed) / MiB,
  unit: 'MiB',
  kind: 'latency',
});
samples.add({ metric: 'rss_peak', variant, value: peakRss / MiB, unit: 'MiB', kind: 'latency' });
// Retained heap after the last tenth over after the first: 1 when the pipeline is bounded.
samples.add({
  metric: 'retained_heap_drift',
  variant,
  value: retained.at(-1) / retained[0],
  unit: '×',
  kind: 'latency',
});
samples.add({
  metric: 'spans_unaccounted',
  variant,
  value: (SPANS - accounted) / SPANS,
  unit: 'fraction',
  kind: 'error_rate',
});
console.log(`  accounted for: ${accounted} of ${SPANS}`);
samples.write();
await tracing.shutdown();
