// Instructions per span of each OTLP/JSON encoder alone, counted by callgrind (bench-kit): the
// spans of pipeline.mjs's workload (recorded once, in memory, through Wideline's pipeline so that
// they are the span objects its exporter sees), encoded to request bytes in batches of 512, each
// encoder in its own process so that neither sees the other's object shapes.
//
//   node encoders.mjs                      # 40 batches of 512 spans per encoder
//   BENCH_BATCHES=100 node encoders.mjs
//   BENCH_CORE_MODULE=/abs/path/to/other/dist/node.js node encoders.mjs   # core's encoder from another build
//
// Not part of `pnpm bench`; results go to bench/results/core-encoders.json.
import { fileURLToPath } from 'node:url';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BenchResults, callgrindWindow, countInstructions } from '@wideline/bench-kit';
import { recordWorkload } from './workload.mjs';

const { createNodeTracing } = await import(process.env.BENCH_CORE_MODULE ?? '@wideline/core/node');
const { encodeSpans } = await import(
  process.env.BENCH_CORE_MODULE?.replace(/node\.js$/, 'sdk.js') ?? '@wideline/core/sdk'
);

const BATCHES = Number(process.env.BENCH_BATCHES ?? 40);
const BATCH = 512;
const utf8 = new TextEncoder();
const ENCODERS = {
  'otel JsonTraceSerializer': (spans) => JsonTraceSerializer.serializeRequest(spans),
  'core encodeSpans': (spans) => utf8.encode(encodeSpans(spans)),
};

async function child(name) {
  const encode = ENCODERS[name];
  const batch = await recordWorkload(createNodeTracing, BATCH);
  let bytes = 0;
  for (let i = 0; i < BATCHES; i++) bytes += encode(batch).length; // warm-up
  await callgrindWindow.open();
  for (let i = 0; i < BATCHES; i++) bytes += encode(batch).length;
  await callgrindWindow.close();
  console.log(bytes);
}

async function main() {
  const self = fileURLToPath(import.meta.url);
  const results = new BenchResults('core-encoders', { params: { batches: BATCHES, batch: BATCH } });
  console.log(`${BATCHES} batches of ${BATCH} spans per encoder, instructions per span:`);
  for (const name of Object.keys(ENCODERS)) {
    const { instructions } = await countInstructions([process.execPath, self, '--child', name]);
    const value = instructions / (BATCHES * BATCH);
    results.add({ metric: 'instructions_per_span', variant: name, value, unit: 'instructions', kind: 'latency' });
    console.log(`  ${name.padEnd(26)} ${Math.round(value).toLocaleString('en')}`);
  }
  results.write();
}

if (process.argv[2] === '--child') await child(process.argv.slice(3).join(' '));
else await main();
