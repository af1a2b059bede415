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
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { LINK_TYPES } from '@wideline/core/conventions';
import {
  BULLMQ_DELAY_MS,
  BULLMQ_JOB_NAME,
  BULLMQ_MAX_ATTEMPTS,
  BULLMQ_PRIORITY,
  ERROR_TYPE,
  LINK_TYPE,
  MESSAGING_BATCH_MESSAGE_COUNT,
  MESSAGING_DESTINATION_NAME,
  MESSAGING_MESSAGE_ID,
  MESSAGING_OPERATION_NAME,
  MESSAGING_OPERATION_TYPE,
  MESSAGING_SYSTEM,
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
 * Semantic-convention attributes of one job, with the operation's name and type: one object built
 * once per span, never spread into another.
 */
export function jobAttributes(
  queueName: string,
  jobName: unknown,
  opts: JobOptionsLike | undefined,
  operationName: string,
  operationType: string,
): Attributes {
  const attributes: Attributes = {
    [MESSAGING_SYSTEM]: SYSTEM,
    [MESSAGING_DESTINATION_NAME]: queueName,
    [MESSAGING_OPERATION_NAME]: operationName,
    [MESSAGING_OPERATION_TYPE]: operationType,
  };
  if (typeof jobName === 'string') attributes[BULLMQ_JOB_NAME] = jobName;
  if (typeof opts?.delay === 'number' && opts.delay > 0) attributes[BULLMQ_DELAY_MS] = opts.delay;
  if (typeof opts?.priority === 'number' && opts.priority > 0) attributes[BULLMQ_PRIORITY] = opts.priority;
  if (typeof opts?.attempts === 'number') attributes[BULLMQ_MAX_ATTEMPTS] = opts.attempts;
  if (typeof opts?.jobId === 'string') attributes[MESSAGING_MESSAGE_ID] = opts.jobId;
  return attributes;
}

/** Records a producer failure on `span` and ends it; the error itself goes back to the caller. */
export function failSpan(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  span.setAttribute(ERROR_TYPE, err.name || 'Error');
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
  return tracer.startSpan(
    `create ${queueName}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: jobAttributes(queueName, jobName, opts, 'create', 'create'),
    },
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
      [MESSAGING_SYSTEM]: SYSTEM,
      [MESSAGING_DESTINATION_NAME]: destination,
      [MESSAGING_OPERATION_NAME]: operationName,
      [MESSAGING_OPERATION_TYPE]: 'send',
      [MESSAGING_BATCH_MESSAGE_COUNT]: creates.length,
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
