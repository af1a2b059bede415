/**
 * The floor: a BullMQ job traced with only the libraries Wideline requires and no Wideline — the
 * SDK's `BasicTracerProvider` and `BatchSpanProcessor` (`@opentelemetry/sdk-trace-base`),
 * `OTLPTraceExporter` (`@opentelemetry/exporter-trace-otlp-http`) and whatever context manager the
 * caller registered (the benchmarks register AsyncLocalStorage's). The producer starts a PRODUCER
 * span and writes a W3C `traceparent` into the job's data by hand; the processor reads it back and
 * runs inside a CONSUMER span made active with `context.with`.
 *
 * The spans carry the names, kinds and attributes (keys and value types) that @wideline/bullmq puts
 * on the wire for a job added with `Queue.add` and completed on its first attempt, so the export
 * payload compares byte for byte in size; what the floor leaves out is everything else Wideline
 * does (start policies and links for retries, the attempt log, redaction, tail sampling, Sentry,
 * the stored-context checks). What Wideline costs above it is Wideline's.
 *
 * @module
 */
import { type Attributes, type Context, context, ROOT_CONTEXT, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';

/** A provider of the floor's, with what the benchmarks need of it. */
export interface FloorTracing {
  tracer: Tracer;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Batch settings, as the benchmarks give Wideline's (`createNodeTracing`'s `batch`). */
export interface FloorBatch {
  scheduledDelayMs: number;
  maxQueueSize: number;
}

/**
 * The floor's pipeline: every span (`ratio` 1) or a share of the roots, children following their
 * parent (`ParentBasedSampler`), batched as Wideline batches (512 a request, core's default) and
 * exported as OTLP/HTTP JSON to `endpoint` (or to `exporter`, e.g. one that discards).
 */
export function floorTracing(
  endpoint: string,
  ratio: number,
  batch: FloorBatch,
  // The exporter's default of 30 requests in flight is below what BatchSpanProcessor's forceFlush
  // sends at once with a full queue (one request per 512 spans, all together): above it, an export
  // rejects unhandled. Core's processor sends one batch at a time and never reaches it.
  exporter: SpanExporter = new OTLPTraceExporter({
    url: `${endpoint}/v1/traces`,
    concurrencyLimit: Math.ceil(batch.maxQueueSize / 512),
  }),
): FloorTracing {
  const root = ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-bullmq' }),
    sampler: new ParentBasedSampler({ root }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        scheduledDelayMillis: batch.scheduledDelayMs,
        maxQueueSize: batch.maxQueueSize,
        maxExportBatchSize: 512,
      }),
    ],
  });
  return {
    tracer: provider.getTracer('@wideline/bullmq'),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** The attributes OpenTelemetry's messaging conventions ask for when a span starts. */
function messaging(queueName: string, operationName: string, operationType: string): Attributes {
  return {
    'messaging.system': 'bullmq',
    'messaging.destination.name': queueName,
    'messaging.operation.name': operationName,
    'messaging.operation.type': operationType,
  };
}

/** What the floor's producer needs of a BullMQ `Queue`. */
export interface AddingQueue {
  readonly name: string;
  add(name: string, data: unknown, opts?: object): Promise<{ id?: string | undefined }>;
}

/** BullMQ's `add`, with a `send <queue>` PRODUCER span and the job's `traceparent` in its data. */
export function floorAdd(
  tracer: Tracer,
  queue: AddingQueue,
): (name: string, data: object, opts?: object) => Promise<{ id?: string | undefined }> {
  const spanName = `send ${queue.name}`;
  const attributes = messaging(queue.name, 'add', 'send');
  return async (name, data, opts) => {
    const span = tracer.startSpan(spanName, { kind: SpanKind.PRODUCER, attributes });
    const { traceId, spanId, traceFlags } = span.spanContext();
    const traceparent = `00-${traceId}-${spanId}-0${traceFlags & 1}`;
    const job = await queue.add(name, { ...data, traceparent }, opts);
    if (span.isRecording()) {
      span.setAttribute('messaging.bullmq.job.name', name);
      if (job.id !== undefined) span.setAttribute('messaging.message.id', job.id);
    }
    span.end();
    return job;
  };
}

/** What the floor's processor reads of a BullMQ `Job`. */
export interface FloorJob {
  id?: string | undefined;
  name: string;
  data: { traceparent?: string };
  opts: { attempts?: number };
  attemptsMade: number;
  timestamp: number;
  processedOn?: number | undefined;
}

/** The producer's context from a `traceparent` of version 00; none (a new root) when malformed. */
function parentOf(traceparent: string | undefined): Context {
  if (traceparent?.length !== 55 || !traceparent.startsWith('00-')) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: traceparent.slice(3, 35),
    spanId: traceparent.slice(36, 52),
    traceFlags: Number.parseInt(traceparent.slice(53), 16),
    isRemote: true,
  });
}

/** Wraps a processor: each attempt a `process <queue>` CONSUMER span, child of the producer's. */
export function floorProcessor<J extends FloorJob, R>(
  tracer: Tracer,
  queueName: string,
  processor: (job: J) => Promise<R>,
): (job: J) => Promise<R> {
  const spanName = `process ${queueName}`;
  const attributes = messaging(queueName, 'process', 'process');
  return async (job) => {
    const parent = parentOf(job.data.traceparent);
    const span = tracer.startSpan(spanName, { kind: SpanKind.CONSUMER, attributes }, parent);
    const recording = span.isRecording();
    if (recording) {
      const maxAttempts = job.opts.attempts || 1;
      span.setAttribute('messaging.bullmq.job.name', job.name);
      span.setAttribute('messaging.bullmq.job.max_attempts', maxAttempts);
      span.setAttribute('messaging.bullmq.job.attempt', job.attemptsMade + 1);
      span.setAttribute('messaging.bullmq.job.start_reason', 'fresh');
      span.setAttribute('messaging.bullmq.job.final_attempt', job.attemptsMade + 1 >= maxAttempts);
      if (job.id !== undefined) span.setAttribute('messaging.message.id', job.id);
      span.setAttribute('messaging.bullmq.job.queue_wait_ms', (job.processedOn ?? Date.now()) - job.timestamp);
    }
    const began = recording ? performance.now() : 0;
    try {
      const result = await context.with(trace.setSpan(parent, span), processor, undefined, job);
      if (recording) {
        span.setAttribute('messaging.bullmq.job.outcome', 'completed');
        span.setAttribute('messaging.bullmq.job.result_size', JSON.stringify(result)?.length ?? 0);
      }
      return result;
    } catch (error) {
      span.recordException(error as Error);
      span.setAttribute('messaging.bullmq.job.outcome', 'failed');
      throw error;
    } finally {
      if (recording)
        span.setAttribute('messaging.bullmq.job.processing_ms', Math.round((performance.now() - began) * 1000) / 1000);
      span.end();
    }
  };
}
