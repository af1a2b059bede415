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
    [ATTR_MESSAGING_SYSTEM]: SYSTEM,
    [ATTR_MESSAGING_DESTINATION_NAME]: queueName,
    [ATTR_MESSAGING_OPERATION_NAME]: operationName,
    [ATTR_MESSAGING_OPERATION_TYPE]: operationType,
  };
  if (typeof jobName === 'string') attributes[BULLMQ_JOB_NAME] = jobName;
  if (typeof opts?.delay === 'number' && opts.delay > 0) attributes[BULLMQ_DELAY_MS] = opts.delay;
  if (typeof opts?.priority === 'number' && opts.priority > 0) attributes[BULLMQ_PRIORITY] = opts.priority;
  if (typeof opts?.attempts === 'number') attributes[BULLMQ_MAX_ATTEMPTS] = opts.attempts;
  if (typeof opts?.jobId === 'string') attributes[ATTR_MESSAGING_MESSAGE_ID] = opts.jobId;
  return attributes;
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
