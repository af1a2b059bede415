// Instructions per span of redaction alone, counted by callgrind (bench-kit): the workload's spans
// (recorded once through Wideline's pipeline with redaction off, so they are the SDK's span objects
// the redacting exporter receives) passed through `redactSpan` with the default redactor, in
// batches of 512. Before every batch the values the workload builds per request (the URL, the user
// id) are built again, so that redaction meets new strings as it does in the pipeline (a template
// literal is a rope until something flattens it); a window that only rebuilds them is subtracted.
// Isolates what `instructions.mjs` counts inside the whole pipeline, where redaction's share drowns
// in the run-to-run drift of V8's compiler threads and GC. Node runs with `--single-threaded`
// (compiling and GC on the main thread): without it one build's count moved between ~1 800 and
// ~3 800 from run to run; with it, by ~10 %.
//
//   node redaction.mjs                      # 200 batches of 512 spans
//   BENCH_CORE_MODULE=/abs/path/to/other/dist/node.js node redaction.mjs   # another build's redactor
//
// Not part of `pnpm bench`; results go to bench/results/core-redaction.json.
import { fileURLToPath } from 'node:url';
import { BenchResults, callgrindWindow, countInstructions } from '@wideline/bench-kit';
import { recordWorkload } from './workload.mjs';

const { createNodeTracing } = await import(process.env.BENCH_CORE_MODULE ?? '@wideline/core/node');
const { createRedactor, redactSpan } = await import(
  process.env.BENCH_CORE_MODULE?.replace(/node\.js$/, 'sdk.js') ?? '@wideline/core/sdk'
);

const BATCHES = Number(process.env.BENCH_BATCHES ?? 200);
const BATCH = 512;

/** New strings where the workload builds them per request (same keys: the objects keep their shape). */
function rebuild(batch, round) {
  for (let i = 0; i < batch.length; i++) {
    const attributes = batch[i].attributes;
    if (attributes['url.full'] === undefined) continue;
    const n = round * BATCH + i;
    attributes['url.full'] = `https://shop.example/orders/${n}?ref=home`;
    attributes['user.id'] = `u-${n % 1000}`;
  }
}

async function child() {
  const batch = await recordWorkload(createNodeTracing, BATCH, { redaction: false });
  const redactor = createRedactor();
  let copies = 0;
  const rebuildOnly = (round) => rebuild(batch, round);
  const redact = (round) => {
    rebuild(batch, round);
    for (const span of batch) if (redactSpan(span, redactor) !== span) copies++;
  };
  for (const run of [rebuildOnly, redact]) {
    for (let i = 0; i < BATCHES; i++) run(i); // warm-up
    await callgrindWindow.open();
    for (let i = 0; i < BATCHES; i++) run(i);
    await callgrindWindow.close();
  }
  console.log(copies);
}

async function main() {
  const self = fileURLToPath(import.meta.url);
  const results = new BenchResults('core-redaction', { params: { batches: BATCHES, batch: BATCH } });
  const { windows } = await countInstructions([process.execPath, '--single-threaded', self, '--child']);
  const [rebuilt, redacted] = windows.map((n) => n / (BATCHES * BATCH));
  const value = redacted - rebuilt;
  results.add({ metric: 'instructions_per_span', variant: 'redactSpan', value, unit: 'instructions', kind: 'latency' });
  console.log(
    `${BATCHES} batches of ${BATCH} spans, redactSpan: ${Math.round(value).toLocaleString('en')} instructions per span`,
  );
  results.write();
}

if (process.argv[2] === '--child') await child();
else await main();
