/**
 * Instructions per job, counted by valgrind's callgrind (bench-kit's `countInstructions`): the
 * end-to-end run of `bench.ts` (the same `run`), each variant in its own process, counted over the
 * measured window only, after the warm-up. The count does not move with the machine's load, so
 * on the shared 2-core machine it separates a 3 % change from noise where CPU time cannot; it is
 * not time, so it is read beside `bench.ts`'s CPU-time ratios. Redis and the OTLP receiver run
 * outside valgrind and are not counted.
 *
 * Under valgrind a run is ~100× slower, and BullMQ's own timers (lock renewal, stalled-job checks)
 * fire relatively more often: the count per job is higher than at full speed, for every variant.
 * The export batch delay is raised so that spans still leave in full batches of 512.
 *
 *   node src/instructions.ts                                    # the four variants, 1000 jobs each
 *   BENCH_ONLY=untraced,wideline-no-sdk,wideline-0% node src/instructions.ts   # any variants of run.ts
 *   BENCH_JOBS=2000 BENCH_WARMUP=2000 node src/instructions.ts
 *
 * Not part of `pnpm bench` (a run takes minutes); results go to bench/results/bullmq-instructions.json.
 */
import { fileURLToPath } from 'node:url';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BenchResults, callgrindWindow, countInstructions } from '@wideline/bench-kit';
import { stopObserving } from './process-stats.ts';
import { run, VARIANTS, type Variant, variantsFrom } from './run.ts';
import { startSink } from './sink.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 1000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2000);
const BATCH_DELAY_MS = 60_000;

/** In valgrind: warm up, count the window, print the Redis commands per job as the last line. */
async function child(variant: Variant): Promise<void> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const sink = await startSink();
  await run(variant, sink, { jobs: WARMUP, workUs: 0, batchDelayMs: BATCH_DELAY_MS });
  const result = await run(variant, sink, {
    jobs: JOBS,
    workUs: 0,
    batchDelayMs: BATCH_DELAY_MS,
    onWindow: callgrindWindow,
  });
  sink.close();
  stopObserving();
  console.log(JSON.stringify({ redisCommandsPerJob: result.redisCommandsPerJob }));
}

interface Counted {
  variant: Variant;
  perJob: number;
  redisCommandsPerJob: number;
}

async function counted(variant: Variant): Promise<Counted> {
  const self = fileURLToPath(import.meta.url);
  const { instructions, stdout } = await countInstructions([process.execPath, self, '--child', variant]);
  const { redisCommandsPerJob } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Counted;
  return { variant, perJob: instructions / JOBS, redisCommandsPerJob };
}

async function main(): Promise<void> {
  const variants = variantsFrom(process.env.BENCH_ONLY?.split(','), VARIANTS);
  const results = new BenchResults('bullmq-instructions', {
    params: { jobs: JOBS, warmup: WARMUP, variants: variants.join(',') },
  });
  const all: Counted[] = [];
  // Two at a time: valgrind runs a process on one core, and the machine has two.
  for (let i = 0; i < variants.length; i += 2) all.push(...(await Promise.all(variants.slice(i, i + 2).map(counted))));
  const base = all.find((c) => c.variant === 'untraced');
  console.log(`${JOBS} jobs per variant after ${WARMUP} warm-up jobs, instructions per job (callgrind):`);
  for (const c of all) {
    const ratio = base && c !== base ? c.perJob / base.perJob : undefined;
    const metric = 'instructions_per_job';
    results.add({ metric, variant: c.variant, value: c.perJob, unit: 'instructions', kind: 'latency' });
    if (ratio !== undefined)
      results.add({ metric, variant: `${c.variant} / untraced`, value: ratio, unit: '×', kind: 'latency' });
    console.log(
      `  ${c.variant.padEnd(18)} ${Math.round(c.perJob).toLocaleString('en').padStart(10)}` +
        `${ratio === undefined ? '' : `  ×${ratio.toFixed(3)}`}  Redis ${c.redisCommandsPerJob.toFixed(1)} cmds/job`,
    );
  }
  results.write();
}

if (process.argv[2] === '--child') await child(process.argv[3] as Variant);
else await main();
