/**
 * Producer spans shared by {@link Queue} and {@link FlowProducer}: a `send <queue>` span per add, a
 * `create <queue>` span per job of a batch or flow, and the creation context written into each job's
 * options.
 *
 * @internal
 * @module
 */
import {
  type Attributes,
  type Context,
  context,
  type Link,
  type Span,
  SpanKind,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { recordError } from '@wideline/core';
import {
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  LINK_TYPES,
} from '@wideline/core/conventions';
import {
  BULLMQ_DELAY_MS,
  BULLMQ_JOB_NAME,
  BULLMQ_MAX_ATTEMPTS,
  BULLMQ_PRIORITY,
  LINK_TYPE,
  SYSTEM,
} from './attributes';

/** Tracing options for the producer classes. */
export interface ProducerTracingOptions {
  /** Tracer for producer spans. Default: `trace.getTracer('@wideline/bullmq')` from the global provider. */
  tracer?: Tracer;
}

/** Options a producer span reads from a job (only these, and only when they have the right type). */
export interface JobOptionsLike {
  delay?: unknown;
  priority?: unknown;
  attempts?: unknown;
  jobId?: unknown;
}

export const TRACER_NAME = '@wideline/bullmq';

export function producerTracer(options: ProducerTracingOptions | undefined): Tracer {
  return options?.tracer ?? trace.getTracer(TRACER_NAME);
}

/**
 * The attributes a messaging span is started with: the ones OpenTelemetry's messaging conventions
 * ask for at creation because samplers may read them (system, destination, operation name and
 * type). Everything else about the job is set afterwards, and only on a span that records: the SDK
 * copies and checks creation attributes three times over (for the sampler, for the span, per key),
 * even for a span the sampler then drops, which made them a measurable share of a job's CPU.
 */
export function messagingAttributes(queueName: string, operationName: string, operationType: string): Attributes {
  return {
    [ATTR_MESSAGING_SYSTEM]: SYSTEM,
    [ATTR_MESSAGING_DESTINATION_NAME]: queueName,
    [ATTR_MESSAGING_OPERATION_NAME]: operationName,
    [ATTR_MESSAGING_OPERATION_TYPE]: operationType,
  };
}

/** Sets a job's own attributes (name, delay, priority, attempts, id) on a recording span. */
export function setJobAttributes(span: Span, jobName: unknown, opts: JobOptionsLike | undefined): void {
  if (typeof jobName === 'string') span.setAttribute(BULLMQ_JOB_NAME, jobName);
  if (typeof opts?.delay === 'number' && opts.delay > 0) span.setAttribute(BULLMQ_DELAY_MS, opts.delay);
  if (typeof opts?.priority === 'number' && opts.priority > 0) span.setAttribute(BULLMQ_PRIORITY, opts.priority);
  if (typeof opts?.attempts === 'number') span.setAttribute(BULLMQ_MAX_ATTEMPTS, opts.attempts);
  if (typeof opts?.jobId === 'string') span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, opts.jobId);
}

/** Starts a PRODUCER span with `attributes` (see {@link messagingAttributes}) and the job's own. */
export function startProducerSpan(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  jobName: unknown,
  opts: JobOptionsLike | undefined,
  parent?: Context,
): Span {
  const span = tracer.startSpan(name, { kind: SpanKind.PRODUCER, attributes }, parent ?? context.active());
  if (span.isRecording()) setJobAttributes(span, jobName, opts);
  return span;
}

/** Records a producer failure on `span` and ends it; the error itself goes back to the caller. */
export function failSpan(span: Span, error: unknown): void {
  recordError(span, error);
  span.end();
}

/** Starts a `create <queue>` span for one job of a batch or flow. */
export function startCreateSpan(
  tracer: Tracer,
  parent: Context,
  queueName: string,
  jobName: unknown,
  opts: JobOptionsLike | undefined,
): Span {
  return startProducerSpan(
    tracer,
    `create ${queueName}`,
    messagingAttributes(queueName, 'create', 'create'),
    jobName,
    opts,
    parent,
  );
}

/**
 * Runs a batch send: a CLIENT `send <queue>` span (CLIENT because the per-job `create` spans, not
 * this one, are the jobs' creation contexts) linking every create span.
 */
export async function sendBatch<T>(
  tracer: Tracer,
  destination: string,
  operationName: string,
  creates: readonly Span[],
  send: () => Promise<T>,
): Promise<T> {
  const links: Link[] = creates.map((s) => ({
    context: s.spanContext(),
    attributes: { [LINK_TYPE]: LINK_TYPES.create },
  }));
  const span = tracer.startSpan(`send ${destination}`, {
    kind: SpanKind.CLIENT,
    links,
    attributes: {
      [ATTR_MESSAGING_SYSTEM]: SYSTEM,
      [ATTR_MESSAGING_DESTINATION_NAME]: destination,
      [ATTR_MESSAGING_OPERATION_NAME]: operationName,
      [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
      [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: creates.length,
    },
  });
  try {
    const result = await context.with(trace.setSpan(context.active(), span), send);
    span.end();
    return result;
  } catch (error) {
    failSpan(span, error);
    for (const create of creates) failSpan(create, error);
    throw error;
  }
}
