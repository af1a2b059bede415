// Instructions per span, counted by valgrind's callgrind (bench-kit's countInstructions): each
// pipeline of pipelines.mjs in its own process, the same workload as pipeline.mjs, counted over the
// measured window only (after a warm-up). The count does not move with the machine's load, so on
// the shared 2-core machine it separates a 3 % change from noise where CPU time cannot; it is not
// time, so it is read beside pipeline.mjs's CPU-time ratio. The receiver runs outside valgrind.
// The batch delay is raised so that, ~100× slower under valgrind, spans still leave in full batches.
//
//   node instructions.mjs                          # 2000 traces (10 000 spans) per pipeline
//   BENCH_TRACES=4000 node instructions.mjs
//   BENCH_ONLY=wideline BENCH_CORE_MODULE=/abs/path/to/old/dist/node.js node instructions.mjs
//
// Not part of `pnpm bench` (it takes minutes); results go to bench/results/core-instructions.json.
import { fileURLToPath } from 'node:url';
import { BenchResults, callgrindWindow, countInstructions } from '@wideline/bench-kit';
import { plainOtel, wideline } from './pipelines.mjs';
import { startReceiver } from './receiver.mjs';
import { runWorkload, SPANS_PER_TRACE } from './workload.mjs';

const TRACES = Number(process.env.BENCH_TRACES ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2000);
const PIPELINES = { otel: plainOtel, wideline };

async function child(name) {
  const receiver = await startReceiver();
  const warm = PIPELINES[name](receiver.url, 60_000);
  await runWorkload(warm.tracer, WARMUP);
  await warm.flush();
  await warm.shutdown();
  const pipeline = PIPELINES[name](receiver.url, 60_000);
  await callgrindWindow.open();
  await runWorkload(pipeline.tracer, TRACES);
  await pipeline.flush();
  await callgrindWindow.close();
  await pipeline.shutdown();
  receiver.stop();
}

async function main() {
  const self = fileURLToPath(import.meta.url);
  const spans = TRACES * SPANS_PER_TRACE;
  const counted = await Promise.all(
    (process.env.BENCH_ONLY?.split(',') ?? Object.keys(PIPELINES)).map(async (name) => {
      const { instructions } = await countInstructions([process.execPath, self, '--child', name]);
      return [name, instructions / spans];
    }),
  );
  const perSpan = Object.fromEntries(counted);
  const results = new BenchResults('core-instructions', { params: { traces: TRACES, warmup: WARMUP } });
  for (const [variant, value] of counted)
    results.add({ metric: 'instructions_per_span', variant, value, unit: 'instructions', kind: 'latency' });
  console.log(`${spans} spans per pipeline after ${WARMUP * SPANS_PER_TRACE} warm-up spans, instructions per span:`);
  for (const [name, value] of counted) console.log(`  ${name.padEnd(9)} ${Math.round(value).toLocaleString('en')}`);
  if (perSpan.wideline && perSpan.otel) {
    const ratio = perSpan.wideline / perSpan.otel;
    results.add({
      metric: 'instructions_per_span',
      variant: 'wideline / otel',
      value: ratio,
      unit: '×',
      kind: 'latency',
    });
    console.log(`  wideline / otel ${ratio.toFixed(3)}`);
  }
  results.write();
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else await main();
