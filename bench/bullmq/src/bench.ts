/**
 * Throughput of adding and processing N BullMQ jobs (worker concurrency 50) against the same Redis:
 * no tracing, @wideline/bullmq, and BullMQ's own telemetry with bullmq-otel. Both traced variants use
 * the same Wideline pipeline exporting OTLP/HTTP to one local receiver that answers 200 and discards,
 * so the difference is the instrumentation, not the exporter. The receiver runs in a child process, so
 * its CPU is not counted. Jobs are added outside any request span: what is measured is what the
 * BullMQ instrumentation adds (its producer and consumer spans), not the cost of tracing the app
 * around it.
 *
 *   pnpm --filter @wideline/bench-bullmq bench            # 20 000 jobs, 2 rounds
 *   BENCH_JOBS=5000 BENCH_ROUNDS=1 pnpm --filter @wideline/bench-bullmq bench
 *   BENCH_ONLY=wideline node --cpu-prof src/bench.ts          # one variant, e.g. to profile it
 *   BENCH_WORK_US=1000 BENCH_JOBS=5000 …                      # each job spends 1 ms of CPU
 *   BENCH_WIDELINE_MODULE=/abs/path/to/old/dist/index.js …    # another build, for before/after runs
 *
 * Not a test: it prints figures and ratios; nothing gates on them. Every round's figures, and the
 * ratios of each round's variants to its untraced run, go to bench/results/bullmq.json
 * (`pnpm bench --compare` compares them with the baseline).
 */
import { spawn } from 'node:child_process';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BenchResults } from '@wideline/bench-kit';
import type { WidelineTracing } from '@wideline/core';
import { createNodeTracing } from '@wideline/core/node';
import { Queue, Worker } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';

// Another build of @wideline/bullmq (an absolute path) can stand in, to compare before and after.
const { Queue: WidelineQueue, Worker: WidelineWorker } = (await import(
  process.env.BENCH_WIDELINE_MODULE ?? '@wideline/bullmq'
)) as typeof import('@wideline/bullmq');

const JOBS = Number(process.env.BENCH_JOBS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONCURRENCY = 50;
// CPU time each job's processor spends (a busy loop), for the ratio with processors that do work;
// 0, the default, is the issue's benchmark: a processor that does nothing.
const WORK_US = Number(process.env.BENCH_WORK_US ?? 0);
const ADD_WINDOW = 100;
const connection = { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) };

/** `wideline-10%`: the same, with 10% head sampling (jobs follow their producer's decision). */
type Variant = 'untraced' | 'wideline' | 'bullmq-otel' | 'wideline-10%';

/**
 * The OTLP receiver runs in a child process: what it spends reading requests is not the
 * instrumentation's cost, and must not count in this process's CPU per job.
 */
interface Sink {
  url: string;
  stats(): Promise<{ requests: number; bytes: number }>;
  close(): void;
}

const SINK_SOURCE = `
const { createServer } = require('node:http');
let requests = 0, bytes = 0;
const server = createServer((req, res) => {
  req.on('data', (chunk) => { bytes += chunk.length; });
  req.on('end', () => { requests += 1; res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', () => process.send({ requests, bytes }));
process.on('disconnect', () => process.exit(0));
`;

async function startSink(): Promise<Sink> {
  const child = spawn(process.execPath, ['-e', SINK_SOURCE], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<Record<string, number>>((resolve) => child.once('message', resolve as never));
  const { port } = await next();
  return {
    url: `http://127.0.0.1:${port}`,
    stats: async () => {
      const reply = next();
      child.send('stats');
      const { requests = 0, bytes = 0 } = await reply;
      return { requests, bytes };
    },
    close: () => child.disconnect(),
  };
}

function pipeline(sink: Sink, ratio: number): WidelineTracing {
  return createNodeTracing({
    serviceName: 'bench-bullmq',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url },
    batch: { scheduledDelayMs: 200 },
    sampling: { head: { ratio } },
  });
}

interface Producer {
  add(name: string, data: unknown, opts?: object): Promise<unknown>;
  obliterate(opts: { force: boolean }): Promise<void>;
  close(): Promise<void>;
}

interface Result {
  rate: number;
  /** CPU time this process spent per job (µs), a steadier figure than wall time on a shared machine. */
  cpuPerJob: number;
  /** Spans the export queue dropped (it was full): their export was not paid for, nor counted. */
  dropped: number;
}

async function run(variant: Variant, sink: Sink): Promise<Result> {
  // No long digit runs in the name: a 13-digit timestamp looks like a card number to core's
  // redaction, which then checks it on every span; real queue names do not look like that.
  const name = `bench-${variant}-${process.pid}-${Date.now().toString(36)}`;
  const tracing = variant === 'untraced' ? undefined : pipeline(sink, variant === 'wideline-10%' ? 0.1 : 1);
  const wideline = variant === 'wideline' || variant === 'wideline-10%';
  const telemetry = variant === 'bullmq-otel' ? { telemetry: new BullMQOtel({ tracerName: 'bench' }) } : {};
  let processed = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const processor = async (job: { data: { i: number } }) => {
    if (WORK_US > 0) {
      const until = performance.now() + WORK_US / 1000;
      while (performance.now() < until) {
        // busy: the job's own CPU work
      }
    }
    processed += 1;
    if (processed === JOBS) resolveDone();
    return job.data.i;
  };
  const workerOpts = {
    connection,
    concurrency: CONCURRENCY,
    ...telemetry,
    ...(process.env.BENCH_NO_ATTEMPT_LOG ? { wideline: { attemptLogAfterMs: false as const } } : {}),
  };
  const worker = wideline ? new WidelineWorker(name, processor, workerOpts) : new Worker(name, processor, workerOpts);
  const queue: Producer = wideline
    ? new WidelineQueue(name, { connection })
    : new Queue(name, { connection, ...telemetry });
  await worker.waitUntilReady();
  const jobOpts = { removeOnComplete: true, removeOnFail: true };

  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < JOBS; i += ADD_WINDOW) {
    const adds: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(JOBS, i + ADD_WINDOW); j++) adds.push(queue.add('job', { i: j }, jobOpts));
    await Promise.all(adds);
  }
  await done;
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);

  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await tracing?.shutdown();
  const dropped = tracing?.stats().export.spansDroppedQueueFull ?? 0;
  trace.disable();
  propagation.disable();
  return { rate: JOBS / elapsed, cpuPerJob: (cpu.user + cpu.system) / JOBS, dropped };
}

/** Each round's ratios to the round's untraced run (the anchor), and to bullmq-otel. */
function recordRatios(results: BenchResults, round: Partial<Record<Variant, Result>>): void {
  const { untraced, 'bullmq-otel': otel } = round;
  for (const variant of ['wideline', 'wideline-10%', 'bullmq-otel'] as const) {
    const r = round[variant];
    if (!r || !untraced) continue;
    const anchor = `${variant} / untraced`;
    results.add({
      metric: 'cpu_per_job',
      variant: anchor,
      value: r.cpuPerJob / untraced.cpuPerJob,
      unit: '×',
      kind: 'latency',
    });
    results.add({
      metric: 'throughput',
      variant: anchor,
      value: r.rate / untraced.rate,
      unit: '×',
      kind: 'throughput',
    });
  }
  const wideline = round.wideline;
  if (wideline && otel) {
    const variant = 'wideline / bullmq-otel';
    results.add({ metric: 'throughput', variant, value: wideline.rate / otel.rate, unit: '×', kind: 'throughput' });
    results.add({
      metric: 'cpu_per_job',
      variant,
      value: wideline.cpuPerJob / otel.cpuPerJob,
      unit: '×',
      kind: 'latency',
    });
  }
}

async function main() {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const results = new BenchResults('bullmq', {
    params: { jobs: JOBS, rounds: ROUNDS, workUs: WORK_US, only: process.env.BENCH_ONLY ?? 'all' },
  });
  const sink = await startSink();
  const best: Record<Variant, number> = { untraced: 0, wideline: 0, 'bullmq-otel': 0, 'wideline-10%': 0 };
  const cpu: Record<Variant, number> = {
    untraced: Infinity,
    wideline: Infinity,
    'bullmq-otel': Infinity,
    'wideline-10%': Infinity,
  };
  const orders: Variant[][] = [
    ['untraced', 'wideline', 'bullmq-otel', 'wideline-10%'],
    ['wideline-10%', 'bullmq-otel', 'wideline', 'untraced'],
  ];
  for (let round = 0; round < ROUNDS; round++) {
    const only = process.env.BENCH_ONLY?.split(',');
    const ran: Partial<Record<Variant, Result>> = {};
    for (const variant of (orders[round % 2] as Variant[]).filter((v) => !only || only.includes(v))) {
      const result = await run(variant, sink);
      const { rate, cpuPerJob, dropped } = result;
      ran[variant] = result;
      best[variant] = Math.max(best[variant], rate);
      cpu[variant] = Math.min(cpu[variant], cpuPerJob);
      results.add({ metric: 'throughput', variant, value: rate, unit: 'jobs/s', kind: 'throughput' });
      results.add({ metric: 'cpu_per_job', variant, value: cpuPerJob, unit: 'µs', kind: 'latency' });
      if (variant !== 'untraced')
        results.add({
          metric: 'spans_dropped',
          variant,
          value: dropped / (2 * JOBS),
          unit: 'fraction',
          kind: 'error_rate',
        });
      console.log(
        `round ${round + 1} ${variant.padEnd(13)} ${rate.toFixed(0).padStart(7)} jobs/s ${cpuPerJob.toFixed(0).padStart(5)} µs CPU/job${dropped ? `  (${dropped} spans dropped: export queue full)` : ''}`,
      );
    }
    recordRatios(results, ran);
  }
  const received = await sink.stats();
  sink.close();
  const ratio = (a: number, b: number) => (a / b).toFixed(3);
  console.log(
    `\n${JOBS} jobs, worker concurrency ${CONCURRENCY}, ${WORK_US} µs of processor CPU per job, best of ${ROUNDS} round(s):`,
  );
  for (const variant of Object.keys(best) as Variant[])
    console.log(
      `  ${variant.padEnd(13)} ${best[variant].toFixed(0).padStart(7)} jobs/s ${cpu[variant].toFixed(0).padStart(5)} µs CPU/job`,
    );
  console.log(`  wideline / untraced    ${ratio(best.wideline, best.untraced)}  (target >= 0.95)`);
  console.log(`  wideline / bullmq-otel ${ratio(best.wideline, best['bullmq-otel'])}  (target >= 1.00)`);
  console.log(`  bullmq-otel / untraced ${ratio(best['bullmq-otel'], best.untraced)}`);
  console.log(`  wideline at 10% head sampling / untraced ${ratio(best['wideline-10%'], best.untraced)}`);
  console.log(
    `  CPU per job, wideline / untraced ${ratio(cpu.wideline, cpu.untraced)}, bullmq-otel / untraced ${ratio(cpu['bullmq-otel'], cpu.untraced)}`,
  );
  console.log(`  OTLP receiver: ${received.requests} requests, ${(received.bytes / 1e6).toFixed(1)} MB`);
  results.write();
}

await main();
