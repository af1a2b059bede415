/**
 * Throughput and CPU per job of adding and processing N BullMQ jobs (worker concurrency 50) against
 * the same Redis: no tracing, @wideline/bullmq (every job traced and exported, and at 10% head
 * sampling), BullMQ's own telemetry with bullmq-otel, and the floor (`floor.ts`: plain OpenTelemetry
 * with only the libraries Wideline requires, every job traced, and at 10%). Wideline and bullmq-otel
 * use the same Wideline pipeline, and every traced variant exports OTLP/HTTP to one local receiver
 * that answers 200 and discards, so the difference is the instrumentation. The receiver runs in a child process, so its
 * CPU is not counted. Jobs are added outside any request span: what is measured is what the BullMQ
 * instrumentation adds (its producer and consumer spans), not the cost of tracing the app around it.
 *
 * Rounds run every variant once, in an order that alternates, and each traced variant is compared
 * with the untraced run of the same round (paired): on a shared machine the load drifts between
 * rounds, and a ratio within a round carries it in both terms. Printed: the median and range of
 * those per-round ratios, and per variant the medians of CPU (user and system apart), system calls,
 * GC and Redis commands per job.
 *
 *   pnpm bench bullmq                                      # this and overhead.ts; 20 000 jobs, 4 rounds
 *   node src/bench.ts                                      # this alone
 *   BENCH_JOBS=5000 BENCH_ROUNDS=2 node src/bench.ts
 *   BENCH_ONLY=untraced,wideline-10% node src/bench.ts    # some variants
 *   BENCH_WORK_US=1000 BENCH_JOBS=5000 node src/bench.ts  # each job spends 1 ms of CPU
 *   BENCH_WIDELINE_MODULE=/abs/path/to/old/dist/index.js node src/bench.ts   # another build
 *   BENCH_CORE_DIST=/abs/path/core/dist node src/bench.ts                     # another build of core's pipeline
 *   node src/profile.ts                                    # where the CPU goes, per layer
 *
 * Not a test: it prints figures and ratios; nothing gates on them. Every round's figures, and the
 * ratios of each round's variants to its untraced run, go to bench/results/bullmq.json
 * (`pnpm bench --compare` compares them with the baseline).
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BenchResults, summarize } from '@wideline/bench-kit';
import { stopObserving } from './process-stats.ts';
import { CONCURRENCY, type RunResult, run, VARIANTS, type Variant, variantsFrom } from './run.ts';
import { startSink } from './sink.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
// CPU time each job's processor spends (a busy loop), for the ratio with processors that do work;
// 0, the default, is the issue's benchmark: a processor that does nothing.
const WORK_US = Number(process.env.BENCH_WORK_US ?? 0);
// Jobs each variant runs once, unmeasured, before the rounds: the first runs in a process are up to
// half again as costly per job while V8 compiles BullMQ's, ioredis's and the SDK's hot paths.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5000);
// The variants to run (run.ts lists them, the layer steps included); default: the six compared.
const ONLY = process.env.BENCH_ONLY?.split(',');
const RUN = variantsFrom(ONLY, VARIANTS);

/** The ratios each round is judged by: [variant, anchor, metric]. */
const RATIOS: Array<[Variant, Variant, 'cpu_per_job' | 'throughput']> = [
  ['wideline', 'untraced', 'cpu_per_job'],
  ['wideline-10%', 'untraced', 'cpu_per_job'],
  ['bullmq-otel', 'untraced', 'cpu_per_job'],
  ['wideline', 'bullmq-otel', 'throughput'],
  ['wideline', 'bullmq-otel', 'cpu_per_job'],
  ['wideline', 'untraced', 'throughput'],
  ['wideline-10%', 'untraced', 'throughput'],
  ['floor', 'untraced', 'cpu_per_job'],
  ['floor-10%', 'untraced', 'cpu_per_job'],
  ['floor', 'bullmq-otel', 'throughput'],
  ['wideline', 'floor', 'cpu_per_job'],
  ['wideline-10%', 'floor-10%', 'cpu_per_job'],
];

function figure(result: RunResult, metric: 'cpu_per_job' | 'throughput'): number {
  return metric === 'cpu_per_job' ? result.cpuPerJob : result.rate;
}

function record(results: BenchResults, r: RunResult): void {
  const { variant } = r;
  results.add({ metric: 'throughput', variant, value: r.rate, unit: 'jobs/s', kind: 'throughput' });
  results.add({ metric: 'cpu_per_job', variant, value: r.cpuPerJob, unit: 'µs', kind: 'latency' });
  // The floor's BatchSpanProcessor does not count what it drops (the receiver's spans per job do).
  if (!variant.startsWith('untraced') && !variant.startsWith('floor') && variant !== 'wideline-no-sdk') {
    const value = r.dropped / (2 * r.jobs);
    results.add({ metric: 'spans_dropped', variant, value, unit: 'fraction', kind: 'error_rate' });
  }
}

function recordRatios(results: BenchResults, round: Partial<Record<Variant, RunResult>>): void {
  for (const [variant, anchor, metric] of RATIOS) {
    const a = round[variant];
    const b = round[anchor];
    if (!a || !b) continue;
    const kind = metric === 'throughput' ? 'throughput' : 'latency';
    const value = figure(a, metric) / figure(b, metric);
    results.add({ metric, variant: `${variant} / ${anchor}`, value, unit: '×', kind });
  }
}

const fixed = (x: number, digits = 0) => x.toFixed(digits);

function line(r: RunResult): string {
  const per = (x: number | undefined) => (x === undefined ? '?' : fixed(x / r.jobs, 2));
  return [
    `${fixed(r.rate).padStart(6)} jobs/s`,
    `${fixed(r.cpuPerJob).padStart(4)} µs CPU/job (user ${fixed(r.userUs / r.jobs)}, sys ${fixed(r.systemUs / r.jobs)})`,
    `syscalls/job r ${per(r.syscallsRead)} w ${per(r.syscallsWrite)}`,
    `GC ${fixed((1000 * r.gcMs) / r.jobs, 1)} µs/job`,
    `Redis ${fixed(r.redisCommandsPerJob, 1)} cmds ${fixed(r.redisBytesInPerJob)} B/job`,
    `OTLP ${fixed(r.otlpSpansPerJob, 2)} spans ${fixed(r.otlpBytesPerJob)} B/job ${r.otlpRequests} req`,
    r.dropped ? `${r.dropped} spans dropped` : '',
  ].join('  ');
}

async function main() {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const results = new BenchResults('bullmq', {
    params: { jobs: JOBS, rounds: ROUNDS, warmup: WARMUP, workUs: WORK_US, variants: RUN.join(',') },
  });
  const sink = await startSink();
  for (const variant of RUN) await run(variant, sink, { jobs: WARMUP, workUs: WORK_US });
  const all: RunResult[] = [];
  const rounds: Array<Partial<Record<Variant, RunResult>>> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const ran: Partial<Record<Variant, RunResult>> = {};
    // Every other round in reverse order, so that no variant always runs first or last.
    for (const variant of round % 2 ? [...RUN].reverse() : RUN) {
      const result = await run(variant, sink, { jobs: JOBS, workUs: WORK_US });
      ran[variant] = result;
      all.push(result);
      record(results, result);
      console.log(`round ${round + 1} ${variant.padEnd(13)} ${line(result)}`);
    }
    recordRatios(results, ran);
    rounds.push(ran);
  }
  const received = await sink.stats();
  sink.close();
  stopObserving();

  console.log(
    `\n${JOBS} jobs, worker concurrency ${CONCURRENCY}, ${WORK_US} µs of processor CPU per job, ${ROUNDS} rounds; medians:`,
  );
  for (const variant of RUN) {
    const runs = all.filter((r) => r.variant === variant);
    if (runs.length === 0) continue;
    const m = (f: (r: RunResult) => number) => summarize(runs.map(f)).median;
    console.log(
      `  ${variant.padEnd(13)} ${fixed(m((r) => r.rate)).padStart(6)} jobs/s ${fixed(m((r) => r.cpuPerJob)).padStart(4)} µs CPU/job` +
        ` (user ${fixed(m((r) => r.userUs / r.jobs))}, sys ${fixed(m((r) => r.systemUs / r.jobs))})` +
        `  syscalls/job ${fixed(
          m((r) => ((r.syscallsRead ?? 0) + (r.syscallsWrite ?? 0)) / r.jobs),
          2,
        )}` +
        `  GC ${fixed(
          m((r) => (1000 * r.gcMs) / r.jobs),
          1,
        )} µs/job  Redis ${fixed(
          m((r) => r.redisCommandsPerJob),
          1,
        )} cmds/job`,
    );
  }
  console.log('\nper-round ratios (each traced variant against the same round’s anchor): median [min–max]');
  for (const [variant, anchor, metric] of RATIOS) {
    const values = rounds.flatMap((r) => {
      const a = r[variant];
      const b = r[anchor];
      return a && b ? [figure(a, metric) / figure(b, metric)] : [];
    });
    if (values.length === 0) continue;
    const s = summarize(values);
    const what = metric === 'cpu_per_job' ? 'CPU per job' : 'throughput';
    console.log(
      `  ${what.padEnd(11)} ${`${variant} / ${anchor}`.padEnd(26)} ${fixed(s.median, 3)} [${fixed(s.min, 3)}–${fixed(s.max, 3)}]`,
    );
  }
  console.log(`  OTLP receiver: ${received.requests} requests, ${(received.bytes / 1e6).toFixed(1)} MB`);
  results.write();
}

await main();
