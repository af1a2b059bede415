/**
 * One run of the end-to-end benchmark: add N jobs and process them (worker concurrency 50, adds 100
 * at a time, `removeOnComplete`) against Redis, in one variant, measured over the run with
 * {@link startWindow} and Redis's own counters. Shared by `bench.ts` (rounds of the variants),
 * `profile.ts` (under the profiler) and `instructions.ts` (instructions counted by callgrind).
 *
 * @module
 */
import { propagation, trace } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { WidelineTracing } from '@wideline/core';
import { type Job, Queue, Worker } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import { Redis } from 'ioredis';
import { type FloorTracing, floorAdd, floorProcessor, floorTracing } from './floor.ts';
import { startWindow, type WindowStats } from './process-stats.ts';
import type { Sink } from './sink.ts';

// Another build of @wideline/bullmq (an absolute path) can stand in, to compare before and after.
const { Queue: WidelineQueue, Worker: WidelineWorker } = (await import(
  process.env.BENCH_WIDELINE_MODULE ?? '@wideline/bullmq'
)) as typeof import('@wideline/bullmq');

// Core's pipeline from another build (a dist directory), to compare before and after.
const coreDist = process.env.BENCH_CORE_DIST;
const { createNodeTracing } = (await import(
  coreDist ? `${coreDist}/node.js` : '@wideline/core/node'
)) as typeof import('@wideline/core/node');

export const CONCURRENCY = 50;
const ADD_WINDOW = 100;
export const connection = {
  host: process.env.REDIS_HOST ?? '127.0.0.1',
  port: Number(process.env.REDIS_PORT ?? 6379),
};

/**
 * The four variants the benchmark compares, and the steps between untraced and fully traced that
 * split the cost into layers (each adds one thing to the one before):
 * - `untraced`: BullMQ alone;
 * - `untraced+metadata`: BullMQ alone, each job's options carrying a stored context of the size
 *   Wideline writes (what storing the context costs BullMQ and Redis);
 * - `wideline-no-sdk`: @wideline/bullmq with no tracer provider (OpenTelemetry's no-op API):
 *   the wrappers (`no-sdk-queue` and `no-sdk-worker`: only the traced Queue, or only the Worker);
 * - `wideline-0%`: the SDK at 0% head sampling: every span created, none recorded;
 * - `wideline-10%`: 10% head sampling (jobs follow their producer's decision);
 * - `wideline-discard`: every span recorded by core's pipeline, exported to an exporter that discards;
 * - `wideline`: every span recorded and exported as OTLP/HTTP JSON;
 * - `bullmq-otel`: BullMQ's own telemetry with bullmq-otel, same pipeline and exporter;
 * - `floor`, `floor-10%`: no Wideline, only the libraries it requires (`floor.ts`), every job traced
 *   and exported, and at 10% head sampling, with the same batch settings and receiver.
 */
export type Variant =
  | 'untraced'
  | 'untraced+metadata'
  | 'wideline-no-sdk'
  | 'no-sdk-queue'
  | 'no-sdk-worker'
  | 'wideline-0%'
  | 'wideline-10%'
  | 'wideline-discard'
  | 'wideline'
  | 'bullmq-otel'
  | 'floor'
  | 'floor-10%';
export const VARIANTS: readonly Variant[] = [
  'untraced',
  'wideline',
  'bullmq-otel',
  'wideline-10%',
  'floor',
  'floor-10%',
];
export const LAYER_STEPS: readonly Variant[] = [
  'untraced',
  'untraced+metadata',
  'wideline-no-sdk',
  'wideline-0%',
  'wideline-10%',
  'wideline-discard',
  'wideline',
];
const ALL: readonly Variant[] = [...LAYER_STEPS, 'bullmq-otel', 'no-sdk-queue', 'no-sdk-worker', 'floor', 'floor-10%'];

interface Setup {
  /** Head sampling ratio of the pipeline; none: no provider registered. */
  ratio?: number;
  exporter?: 'otlp' | 'discard';
  classes: 'bullmq' | 'wideline' | 'wideline-queue' | 'wideline-worker' | 'bullmq-otel' | 'floor';
  metadata?: boolean;
}

const SETUPS: Record<Variant, Setup> = {
  untraced: { classes: 'bullmq' },
  'untraced+metadata': { classes: 'bullmq', metadata: true },
  'wideline-no-sdk': { classes: 'wideline' },
  'no-sdk-queue': { classes: 'wideline-queue' },
  'no-sdk-worker': { classes: 'wideline-worker' },
  'wideline-0%': { classes: 'wideline', ratio: 0, exporter: 'otlp' },
  'wideline-10%': { classes: 'wideline', ratio: 0.1, exporter: 'otlp' },
  'wideline-discard': { classes: 'wideline', ratio: 1, exporter: 'discard' },
  wideline: { classes: 'wideline', ratio: 1, exporter: 'otlp' },
  'bullmq-otel': { classes: 'bullmq-otel', ratio: 1, exporter: 'otlp' },
  floor: { classes: 'floor', ratio: 1, exporter: 'otlp' },
  'floor-10%': { classes: 'floor', ratio: 0.1, exporter: 'otlp' },
};

/** Checks variant names given on the command line, naming the known ones. */
export function variantsFrom(names: readonly string[] | undefined, fallback: readonly Variant[]): Variant[] {
  if (!names) return [...fallback];
  const unknown = names.filter((n) => !ALL.includes(n as Variant));
  if (unknown.length > 0) throw new Error(`unknown variant ${unknown.join(', ')}; known: ${ALL.join(', ')}`);
  return names as Variant[];
}

const discard: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: 0 }),
  shutdown: async () => undefined,
};

function pipeline(sink: Sink, setup: Setup, batchDelayMs: number): WidelineTracing | undefined {
  if (setup.ratio === undefined || setup.classes === 'floor') return undefined;
  return createNodeTracing({
    serviceName: 'bench-bullmq',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url },
    // The queue holds a whole burst (SDK default 2048): a span dropped is an export not paid for.
    batch: { scheduledDelayMs: batchDelayMs, maxQueueSize: 65_536 },
    sampling: { head: { ratio: setup.ratio } },
    ...(setup.exporter === 'discard' ? { exporter: discard } : {}),
  });
}

/** The floor's pipeline (`floor.ts`), with the batch settings {@link pipeline} gives Wideline's. */
function floorPipeline(sink: Sink, setup: Setup, batchDelayMs: number): FloorTracing | undefined {
  if (setup.classes !== 'floor' || setup.ratio === undefined) return undefined;
  return floorTracing(sink.url, setup.ratio, { scheduledDelayMs: batchDelayMs, maxQueueSize: 65_536 });
}

/** The floor's producer: BullMQ's `Queue` with {@link floorAdd} in front of its `add`. */
function floorQueue(name: string, floor: FloorTracing): Producer {
  const queue = new Queue(name, { connection });
  const add = floorAdd(floor.tracer, queue);
  return { add, obliterate: (opts) => queue.obliterate(opts), close: () => queue.close() };
}

/** The stored context Wideline writes, for `untraced+metadata`: same size, its own ids. */
function metadataOf(i: number): { telemetry: { metadata: string } } {
  const hex = i.toString(16).padStart(16, '0');
  return { telemetry: { metadata: `{"traceparent":"00-${hex}${hex}-${hex}-01"}` } };
}

interface Producer {
  add(name: string, data: unknown, opts?: object): Promise<unknown>;
  obliterate(opts: { force: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** What one run measured. */
export interface RunResult extends WindowStats {
  variant: Variant;
  jobs: number;
  /** Jobs per second, wall clock. */
  rate: number;
  /** CPU time (user + system) of this process per job, µs. */
  cpuPerJob: number;
  /** Spans the export queue dropped (full): their export was not paid for. */
  dropped: number;
  /** Redis commands processed per job (its `INFO stats`, scripts' inner calls included). */
  redisCommandsPerJob: number;
  /** Bytes Redis received per job. */
  redisBytesInPerJob: number;
  /** Bytes Redis sent per job (replies: the job hashes BullMQ reads back included). */
  redisBytesOutPerJob: number;
  /** Calls per job of each Redis command (`INFO commandstats`: scripts' inner calls included). */
  redisCallsPerJob: Record<string, number>;
  /** OTLP request bytes the receiver got per job (every span of the window, flushed inside it). */
  otlpBytesPerJob: number;
  /** Spans the receiver got per job. */
  otlpSpansPerJob: number;
  /** OTLP requests the receiver got over the window: spans per request tell batches' sizes. */
  otlpRequests: number;
}

/** Options of one run. */
export interface RunOptions {
  jobs: number;
  /** CPU µs each job's processor spends in a busy loop (0: a processor that does nothing). */
  workUs: number;
  /** Called when the measured window opens and closes (e.g. to start and stop a profiler). */
  onWindow?: { open(): Promise<void>; close(): Promise<void> };
  /**
   * Delay before a partial batch is exported. Default 200 ms. Under valgrind a run is ~100× slower,
   * and a 200 ms timer would export a few spans at a time instead of full batches of 512.
   */
  batchDelayMs?: number;
}

interface RedisCounters {
  commands: number;
  bytesIn: number;
  bytesOut: number;
  calls: Map<string, number>;
}

/** Redis's own counters, in one `INFO` call (which counts itself once in the next reading). */
async function redisCounters(redis: Redis): Promise<RedisCounters> {
  const info = (await redis.call('INFO', 'stats', 'commandstats')) as string;
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  const calls = new Map<string, number>();
  for (const [, command, n] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(command as string, Number(n));
  return {
    commands: field('total_commands_processed'),
    bytesIn: field('total_net_input_bytes'),
    bytesOut: field('total_net_output_bytes'),
    calls,
  };
}

/** Calls per job of each command between two readings (the second reading's INFO left out). */
function callsPerJob(before: RedisCounters, after: RedisCounters, jobs: number): Record<string, number> {
  const perJob: Record<string, number> = {};
  for (const [command, n] of after.calls) {
    const calls = n - (before.calls.get(command) ?? 0) - (command === 'info' ? 1 : 0);
    if (calls > 0) perJob[command] = calls / jobs;
  }
  return perJob;
}

/** Adds and processes `options.jobs` jobs in `variant`; resolves when every job is processed and exported. */
export async function run(variant: Variant, sink: Sink, options: RunOptions): Promise<RunResult> {
  const { jobs, workUs } = options;
  // No long digit runs in the name: a 13-digit timestamp looks like a card number to core's
  // redaction, which then checks it on every span; real queue names do not look like that.
  // Names of one length for every variant: Redis keys carry the name, and bytes per job compare.
  const name = `bench-v${ALL.indexOf(variant).toString(36)}-${process.pid.toString(36)}-${Date.now().toString(36)}`;
  const setup = SETUPS[variant];
  const tracing = pipeline(sink, setup, options.batchDelayMs ?? 200);
  const floor = floorPipeline(sink, setup, options.batchDelayMs ?? 200);
  const wideline = setup.classes === 'wideline';
  const telemetry = setup.classes === 'bullmq-otel' ? { telemetry: new BullMQOtel({ tracerName: 'bench' }) } : {};
  let processed = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const processor = async (job: { data: { i: number } }) => {
    if (workUs > 0) {
      const until = performance.now() + workUs / 1000;
      while (performance.now() < until) {
        // busy: the job's own CPU work
      }
    }
    processed += 1;
    if (processed === jobs) resolveDone();
    return job.data.i;
  };
  const workerOpts = {
    connection,
    concurrency: CONCURRENCY,
    ...telemetry,
    ...(process.env.BENCH_NO_ATTEMPT_LOG ? { wideline: { attemptLogAfterMs: false as const } } : {}),
  };
  const tracedWorker = wideline || setup.classes === 'wideline-worker';
  const tracedQueue = wideline || setup.classes === 'wideline-queue';
  const worker = tracedWorker
    ? new WidelineWorker(name, processor, workerOpts)
    : new Worker(name, floor ? floorProcessor<Job, number>(floor.tracer, name, processor) : processor, workerOpts);
  const queue: Producer = tracedQueue
    ? new WidelineQueue(name, { connection })
    : floor
      ? floorQueue(name, floor)
      : new Queue(name, { connection, ...telemetry });
  const stats = new Redis(connection);
  await worker.waitUntilReady();
  const jobOpts = { removeOnComplete: true, removeOnFail: true };

  const redisBefore = await redisCounters(stats);
  const otlpBefore = await sink.stats();
  await options.onWindow?.open();
  const end = startWindow();
  for (let i = 0; i < jobs; i += ADD_WINDOW) {
    const adds: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(jobs, i + ADD_WINDOW); j++)
      adds.push(queue.add('job', { i: j }, setup.metadata ? { ...jobOpts, ...metadataOf(j) } : jobOpts));
    await Promise.all(adds);
  }
  await done;
  // Every job traced and exported: the spans still queued are part of the cost.
  await tracing?.forceFlush();
  await floor?.forceFlush();
  const window = end();
  await options.onWindow?.close();
  const redisAfter = await redisCounters(stats);
  const otlpAfter = await sink.stats();

  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await stats.quit();
  await tracing?.shutdown();
  await floor?.shutdown();
  const dropped = tracing?.stats().export.spansDroppedQueueFull ?? 0;
  trace.disable();
  propagation.disable();
  return {
    ...window,
    variant,
    jobs,
    rate: jobs / (window.wallMs / 1000),
    cpuPerJob: (window.userUs + window.systemUs) / jobs,
    dropped,
    // The INFO call itself is one command.
    redisCommandsPerJob: (redisAfter.commands - redisBefore.commands - 1) / jobs,
    redisBytesInPerJob: (redisAfter.bytesIn - redisBefore.bytesIn) / jobs,
    redisBytesOutPerJob: (redisAfter.bytesOut - redisBefore.bytesOut) / jobs,
    redisCallsPerJob: callsPerJob(redisBefore, redisAfter, jobs),
    otlpBytesPerJob: (otlpAfter.bytes - otlpBefore.bytes) / jobs,
    otlpSpansPerJob: (otlpAfter.spans - otlpBefore.spans) / jobs,
    otlpRequests: otlpAfter.requests - otlpBefore.requests,
  };
}
