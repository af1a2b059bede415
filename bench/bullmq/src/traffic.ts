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
import { type RunResult, run, VARIANTS, variantsFrom } from './run.ts';
import { startSink } from './sink.ts';

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

const commands = [...new Set(results.flatMap((r) => Object.keys(r.redisCallsPerJob)))].sort();
const width = Math.max(...RUN.map((v) => v.length), 12);
const row = (label: string, values: readonly string[]) =>
  console.log(`${label.padEnd(22)}${values.map((v) => v.padStart(width + 2)).join('')}`);
/** One line per measure: its label, its value per job in a run, and the digits it is printed with. */
type Measure = [label: string, perJob: (r: RunResult) => number, digits: number];
const measures: Measure[] = [
  ['Redis commands', (r) => r.redisCommandsPerJob, 2],
  ...commands.map((command): Measure => [`  ${command}`, (r) => r.redisCallsPerJob[command] ?? 0, 2]),
  ['Redis bytes in', (r) => r.redisBytesInPerJob, 0],
  ['Redis bytes out', (r) => r.redisBytesOutPerJob, 0],
  ['OTLP bytes', (r) => r.otlpBytesPerJob, 0],
  ['OTLP spans', (r) => r.otlpSpansPerJob, 3],
  ['syscalls r+w', (r) => ((r.syscallsRead ?? 0) + (r.syscallsWrite ?? 0)) / r.jobs, 2],
];
console.log(`${JOBS} jobs per variant; per job:\n`);
row('', RUN);
for (const [label, perJob, digits] of measures)
  row(
    label,
    results.map((r) => perJob(r).toFixed(digits)),
  );
