/**
 * The instrumentation's own CPU cost per job, without Redis: `Queue.add` and the traced processor
 * run against a stand-in for BullMQ's `Queue.prototype.add` (it returns the job it would have
 * stored), so what is measured is only what @wideline/bullmq and the tracing pipeline add. The main
 * benchmark (`bench.ts`) has Redis and BullMQ in the loop and is far noisier on a shared machine.
 *
 * Layers, each adding to the one before:
 *   no-provider   the wrappers alone, with OpenTelemetry's no-op API (no SDK registered)
 *   sampled-out   the SDK with 0% head sampling: every span is non-recording (propagation only)
 *   discard       every span recorded by core's pipeline, exported to an exporter that discards
 *   otlp          every span recorded and exported as OTLP/HTTP JSON to a local receiver (a child
 *                 process, as in bench.ts: its CPU is not counted), through
 *                 `createNodeTracing` (OpenTelemetry's OTLPTraceExporter, what bench.ts uses)
 *   otlp-fetch    the same through `createTracing`'s default exporter (core's own OTLP/JSON encoder
 *                 and fetch), for comparison
 *   head-10%      not a layer above the others: `otlp` at 10 % head sampling (jobs follow their
 *                 producer's decision), the unsampled job's cost beside the sampled one's
 *
 * The floor (`floor.ts`: no Wideline, only the libraries it requires), the same steps:
 *   floor-0%      the SDK's BasicTracerProvider at 0 % (ParentBased(TraceIdRatioBased)): propagation only
 *   floor-discard every span recorded, BatchSpanProcessor, an exporter that discards
 *   floor         every span exported by OTLPTraceExporter to the same receiver
 *   floor-10%     `floor` at 10 % head sampling
 *
 *   node src/overhead.ts                                    # 50 000 jobs per layer, 3 rounds
 *   BENCH_ONLY=otlp node --cpu-prof src/overhead.ts          # one layer, e.g. to profile it
 *   BENCH_WIDELINE_MODULE=/abs/path/dist/index.js node src/overhead.ts   # another build
 *   BENCH_CORE_DIST=/abs/path/core/dist node src/overhead.ts              # another build of core's pipeline
 *   BENCH_INSTRUCTIONS=1 node src/overhead.ts               # instructions per job (callgrind), not CPU time
 *
 * With BENCH_INSTRUCTIONS=1 each layer runs in its own process under valgrind's callgrind, and the
 * figure is the instructions of the last of its rounds (the earlier ones warm up): a count that
 * does not move with the machine's load, for telling small changes from noise.
 *
 * Not a test: it prints figures; nothing gates on them. Each round's figures go to
 * bench/results/bullmq-overhead.json (`pnpm bench --compare`).
 */
import { fileURLToPath } from 'node:url';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BenchResults, callgrindWindow, countInstructions } from '@wideline/bench-kit';
import type { TracedJobLike } from '@wideline/bullmq';
import type { WidelineTracing } from '@wideline/core';
import { Queue as BullQueue } from 'bullmq';
import { type FloorJob, type FloorTracing, floorAdd, floorProcessor, floorTracing } from './floor.ts';
import { startSink } from './sink.ts';

const { Queue, tracedProcessor } = (await import(
  process.env.BENCH_WIDELINE_MODULE ?? '@wideline/bullmq'
)) as typeof import('@wideline/bullmq');

// Core's pipeline from another build (a dist directory), to compare before and after.
const coreDist = process.env.BENCH_CORE_DIST;
const { createTracing } = (await import(
  coreDist ? `${coreDist}/index.js` : '@wideline/core'
)) as typeof import('@wideline/core');
const { createNodeTracing } = (await import(
  coreDist ? `${coreDist}/node.js` : '@wideline/core/node'
)) as typeof import('@wideline/core/node');

const JOBS = Number(process.env.BENCH_JOBS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 50;
const INSTRUCTIONS = process.env.BENCH_INSTRUCTIONS === '1';
// In the child process that callgrind counts: which layer, and count the measured loop.
const COUNTED_LAYER = process.argv[2] === '--counted' ? (process.argv[3] as Layer) : undefined;
const WIDELINE_LAYERS = ['no-provider', 'sampled-out', 'discard', 'otlp', 'otlp-fetch', 'head-10%'] as const;
const FLOOR_LAYERS = ['floor-0%', 'floor-discard', 'floor', 'floor-10%'] as const;
type Layer = (typeof WIDELINE_LAYERS)[number] | (typeof FLOOR_LAYERS)[number];

// The stand-in for BullMQ's add: the job it would have stored, no Redis. Data and options go
// through JSON as they do through Redis (BullMQ stores them as JSON and the worker parses them), so
// the processor reads the stored context (Wideline's in the options, the floor's in the data) from
// a parsed string, not from the producer's concatenation.
let nextId = 0;
const stored = (value: unknown) => JSON.parse(JSON.stringify(value ?? {}));
BullQueue.prototype.add = async function (this: BullQueue, name: string, data: unknown, opts?: object) {
  nextId += 1;
  const job = { id: String(nextId), name, data: stored(data), opts: stored(opts), timestamp: Date.now() };
  return { ...job, queueName: this.name } as never;
};

const discard: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: 0 }),
  shutdown: async () => undefined,
};

function pipeline(layer: Layer, sink: string): WidelineTracing | undefined {
  // Under callgrind a run is ~50× slower: a 200 ms batch timer would export a few spans at a time,
  // and the per-request cost would dominate layers that export few spans (head-10%). Spans leave
  // in full batches of 512 there, as they do at full speed.
  const scheduledDelayMs = COUNTED_LAYER ? 60_000 : 200;
  const common = { serviceName: 'bench-overhead', batch: { scheduledDelayMs, maxQueueSize: 65_536 } };
  if (layer === 'no-provider') return undefined;
  if (layer === 'otlp-fetch') return createTracing({ ...common, env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink } });
  if (layer === 'otlp') return createNodeTracing({ ...common, env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink } });
  if (layer === 'head-10%')
    return createNodeTracing({
      ...common,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink },
      sampling: { head: { ratio: 0.1 } },
    });
  return createTracing({
    ...common,
    exporter: discard,
    sampling: { head: { ratio: layer === 'sampled-out' ? 0 : 1 } },
  });
}

/** The floor's pipeline for a floor layer, with the batch settings {@link pipeline} gives Wideline's. */
function floorOf(layer: Layer, sink: string): FloorTracing | undefined {
  const batch = { scheduledDelayMs: COUNTED_LAYER ? 60_000 : 200, maxQueueSize: 65_536 };
  if (layer === 'floor-0%') return floorTracing(sink, 0, batch, discard);
  if (layer === 'floor-discard') return floorTracing(sink, 1, batch, discard);
  if (layer === 'floor') return floorTracing(sink, 1, batch);
  if (layer === 'floor-10%') return floorTracing(sink, 0.1, batch);
  return undefined;
}

/** What a worker hands the processor besides the stored job: a first attempt, just picked. */
function picked(job: object): Record<string, unknown> {
  return { ...job, attemptsMade: 0, attemptsStarted: 1, processedOn: Date.now(), log: async () => undefined };
}

type OneJob = (i: number) => Promise<void>;

/** One job through @wideline/bullmq's `Queue.add` and `tracedProcessor`. */
function widelineJob(): { one: OneJob; close(): Promise<void> } {
  const queue = new Queue('overhead', { connection: { lazyConnect: true } as never });
  const process_ = tracedProcessor(async (job: TracedJobLike & { data?: unknown }) => job.data, {
    queueName: 'overhead',
  });
  const one = async (i: number) => {
    const job = await queue.add('job', { i }, { removeOnComplete: true });
    await process_(picked(job) as never);
  };
  return { one, close: () => queue.close() };
}

/** One job through the floor's `add` and processor. */
function floorJob(floor: FloorTracing): { one: OneJob; close(): Promise<void> } {
  const queue = new BullQueue('overhead', { connection: { lazyConnect: true } as never });
  const add = floorAdd(floor.tracer, queue);
  const process_ = floorProcessor(floor.tracer, 'overhead', async (job: FloorJob) => job.data);
  const one = async (i: number) => {
    const job = await add('job', { i }, { removeOnComplete: true });
    await process_(picked(job) as never);
  };
  return { one, close: () => queue.close() };
}

async function run(layer: Layer, sink: string): Promise<number> {
  const floor = floorOf(layer, sink);
  const tracing = floor ? undefined : pipeline(layer, sink);
  const { one, close } = floor ? floorJob(floor) : widelineJob();
  if (COUNTED_LAYER) await callgrindWindow.open();
  const before = process.cpuUsage();
  for (let i = 0; i < JOBS; i += CONCURRENCY) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(JOBS, i + CONCURRENCY); j++) batch.push(one(j));
    await Promise.all(batch);
    // Let timers and I/O run, as Redis round trips would: the export processor keeps up.
    await new Promise(setImmediate);
  }
  await tracing?.forceFlush();
  await floor?.forceFlush();
  const cpu = process.cpuUsage(before);
  if (COUNTED_LAYER) await callgrindWindow.close();
  await close();
  await tracing?.shutdown();
  await floor?.shutdown();
  trace.disable();
  propagation.disable();
  return (cpu.user + cpu.system) / JOBS;
}

/** Instructions per job of each layer, each in its own process under callgrind. */
async function countLayers(layers: Layer[]): Promise<void> {
  const results = new BenchResults('bullmq-overhead-instructions', {
    params: { jobs: JOBS, rounds: ROUNDS, only: process.env.BENCH_ONLY ?? 'all' },
  });
  console.log(`${JOBS} jobs (add + process, no Redis), instructions per job (callgrind, last of ${ROUNDS} rounds):`);
  for (const layer of layers) {
    const self = fileURLToPath(import.meta.url);
    const { instructions } = await countInstructions([process.execPath, self, '--counted', layer]);
    const value = instructions / JOBS;
    results.add({ metric: 'instructions_per_job', variant: layer, value, unit: 'instructions', kind: 'latency' });
    console.log(`  ${layer.padEnd(12)} ${Math.round(value).toLocaleString('en').padStart(9)}`);
  }
  results.write();
}

async function measureLayers(layers: Layer[]): Promise<void> {
  const receiver = await startSink();
  const results = new BenchResults('bullmq-overhead', {
    params: { jobs: JOBS, rounds: ROUNDS, only: process.env.BENCH_ONLY ?? 'all' },
  });
  const best: Record<string, number> = {};
  // OTLP requests of a layer's last round: per-request costs are paid per batch, not per span.
  const requests: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const layer of round % 2 ? [...layers].reverse() : layers) {
      const before = (await receiver.stats()).requests;
      const us = await run(layer, receiver.url);
      requests[layer] = (await receiver.stats()).requests - before;
      best[layer] = Math.min(best[layer] ?? Infinity, us);
      if (!COUNTED_LAYER)
        results.add({ metric: 'cpu_per_job', variant: layer, value: us, unit: 'µs', kind: 'latency' });
    }
  }
  receiver.close();
  if (COUNTED_LAYER) return;
  console.log(`${JOBS} jobs (add + process, no Redis), best of ${ROUNDS}, CPU µs per job, OTLP requests a round:`);
  for (const layer of layers)
    console.log(
      `  ${layer.padEnd(13)} ${(best[layer] ?? 0).toFixed(1).padStart(6)} ${String(requests[layer]).padStart(6)}`,
    );
  results.write();
}

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const only = process.env.BENCH_ONLY?.split(',');
const layers = ([...WIDELINE_LAYERS, ...FLOOR_LAYERS] as Layer[]).filter((l) => !only || only.includes(l));
if (COUNTED_LAYER) await measureLayers([COUNTED_LAYER]);
else if (INSTRUCTIONS) await countLayers(layers);
else await measureLayers(layers);
