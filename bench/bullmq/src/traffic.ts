/**
 * What each variant of the end-to-end benchmark sends: Redis commands per job by name (`INFO
 * commandstats`, so the calls BullMQ's Lua scripts make inside Redis count too), bytes to and from
 * Redis per job, and OTLP bytes per job. These are counts, not times: they do not move with the
 * machine's load, and they answer whether a traced job costs BullMQ and ioredis more because it
 * makes them do more (extra round trips, bigger payloads) or because the same work costs more.
 *
 *   node src/traffic.ts                                      # the four variants, 5000 jobs each
 *   BENCH_ONLY=untraced,untraced+metadata,wideline node src/traffic.ts
 *
 * Not a test; nothing is written to bench/results.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { stopObserving } from './process-stats.ts';
import { type RunResult, run, startSink, VARIANTS, variantsFrom } from './run.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 5000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const RUN = variantsFrom(process.env.BENCH_ONLY?.split(','), VARIANTS);

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const sink = await startSink();
const results: RunResult[] = [];
for (const variant of RUN) {
  await run(variant, sink, { jobs: WARMUP, workUs: 0 });
  results.push(await run(variant, sink, { jobs: JOBS, workUs: 0 }));
}
sink.close();
stopObserving();

const fixed = (x: number, digits: number) => x.toFixed(digits);
const commands = [...new Set(results.flatMap((r) => Object.keys(r.redisCallsPerJob)))].sort();
const width = Math.max(...RUN.map((v) => v.length), 12);
console.log(`${JOBS} jobs per variant; per job:\n`);
console.log(`${''.padEnd(22)}${RUN.map((v) => v.padStart(width + 2)).join('')}`);
const row = (label: string, values: string[]) =>
  console.log(`${label.padEnd(22)}${values.map((v) => v.padStart(width + 2)).join('')}`);
row(
  'Redis commands',
  results.map((r) => fixed(r.redisCommandsPerJob, 2)),
);
for (const command of commands)
  row(
    `  ${command}`,
    results.map((r) => fixed(r.redisCallsPerJob[command] ?? 0, 2)),
  );
row(
  'Redis bytes in',
  results.map((r) => fixed(r.redisBytesInPerJob, 0)),
);
row(
  'Redis bytes out',
  results.map((r) => fixed(r.redisBytesOutPerJob, 0)),
);
row(
  'OTLP bytes',
  results.map((r) => fixed(r.otlpBytesPerJob, 0)),
);
row(
  'OTLP spans',
  results.map((r) => fixed(r.otlpSpansPerJob, 3)),
);
row(
  'syscalls r+w',
  results.map((r) => fixed(((r.syscallsRead ?? 0) + (r.syscallsWrite ?? 0)) / r.jobs, 2)),
);
