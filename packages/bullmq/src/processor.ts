/**
 * `tracedProcessor`: wraps a BullMQ processor so each attempt is a CONSUMER `process <queue>` span —
 * the attempt's wide event — started where the link policy says, and ended with the outcome.
 *
 * Works for inline processors (the traced {@link Worker} wraps yours) and inside sandboxed processor
 * files (a child process or worker thread), where you wrap the default export yourself.
 *
 * @example
 * // processor.mjs, run by `new Worker('orders', pathToThisFile, …)`
 * import { createTracing } from '@wideline/core';
 * import { tracedProcessor } from '@wideline/bullmq';
 *
 * const tracing = createTracing({ serviceName: 'jobs-sandbox', contextManager: new AsyncLocalStorageContextManager() });
 * export default tracedProcessor(async (job) => charge(job.data), { flush: () => tracing.forceFlush() });
 * @module
 */
import {
  type Attributes,
  context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AttemptRecorder, attemptLine, previousAttempt } from './attempt-log';
import {
  BULLMQ_ATTEMPT,
  BULLMQ_CHILDREN_COUNT,
  BULLMQ_CONTEXT_REJECTED,
  BULLMQ_FINAL_ATTEMPT,
  BULLMQ_MAX_ATTEMPTS,
  BULLMQ_OUTCOME,
  BULLMQ_PARENT_ID,
  BULLMQ_PROCESSING_MS,
  BULLMQ_QUEUE_WAIT_MS,
  BULLMQ_REPEAT_KEY,
  BULLMQ_RESULT_SIZE,
  BULLMQ_STALLED_COUNT,
  BULLMQ_START_REASON,
  ERROR_TYPE,
  LINK_TYPE,
  MESSAGING_MESSAGE_ID,
  MESSAGING_OPERATION_NAME,
  MESSAGING_OPERATION_TYPE,
} from './attributes';
import { readStoredContext } from './metadata';
import { asError, classifyThrown } from './outcome';
import { type JobOptionsLike, jobAttributes, TRACER_NAME } from './producer';
import { reportFinalFailure, type SentryLike } from './sentry-report';
import { type AttemptStart, planStart, type StartPolicy } from './start-policy';

/** The job fields the processor wrapper reads: a BullMQ `Job` or a sandboxed job both fit. */
export interface TracedJobLike {
  id?: string | undefined;
  name: string;
  queueName?: string;
  queueQualifiedName?: string;
  opts?: unknown;
  timestamp?: number;
  attemptsMade?: number;
  attemptsStarted?: number;
  stalledCounter?: number;
  processedOn?: number | undefined;
  repeatJobKey?: string | undefined;
  parentKey?: string | undefined;
  log?(row: string): unknown;
}

/** Consumer-side tracing options (per worker, i.e. per queue). */
export interface ConsumerTracingOptions {
  /** Tracer for process spans. Default: `trace.getTracer('@wideline/bullmq')` from the global provider. */
  tracer?: Tracer;
  /**
   * Where attempts that are not a fresh job's first start (retries, delayed, repeatable and scheduler
   * jobs, jobs older than `maxParentAgeMs`) begin: `link` (default) a new trace linked to the creation
   * context; `parent` a child of it; `both` a child that also links to it.
   */
  policy?: StartPolicy;
  /** A job older than this (ms since it was added) starts a new linked trace. Default 300 000 (5 min). */
  maxParentAgeMs?: number;
  /**
   * Writes an attempt's span context to the job's log once the attempt has run this long (ms), and
   * whenever it fails in a way that brings the job back, so the next attempt (a retry, or a re-pick
   * after a crash) can link to it; `0` writes at once, `false` never. Default 500: short jobs that
   * complete never pay the extra Redis command; only a crash in an attempt's first 500 ms loses the
   * previous-attempt link.
   */
  attemptLogAfterMs?: number | false;
  /** Reads a job's recent log lines (the traced `Worker` supplies this); enables previous-attempt links. */
  readJobLog?: (jobId: string) => Promise<readonly unknown[]>;
  /** Record the JSON size of the result as `messaging.bullmq.job.result_size`. Default `true`. */
  recordResultSize?: boolean;
  /** Report each job's final failure to this Sentry-like client, with the attempt's trace id. */
  sentry?: SentryLike;
  /** Jaeger UI base URL for the Sentry link. Default `http://localhost:16686`. */
  jaegerUiUrl?: string;
  /** Awaited after each attempt's span ends, e.g. `() => tracing.forceFlush()` in a sandboxed processor. */
  flush?: () => Promise<unknown>;
  /** Queue name when the job does not carry one. */
  queueName?: string;
  /** Called once per kind of telemetry problem. Default: `console.warn`. */
  onWarning?: (message: string) => void;
}

const DEFAULT_MAX_PARENT_AGE_MS = 300_000;
const DEFAULT_ATTEMPT_LOG_AFTER_MS = 500;

function queueNameOf(job: TracedJobLike, fallback: string | undefined): string {
  if (typeof job.queueName === 'string') return job.queueName;
  const qualified = job.queueQualifiedName;
  if (typeof qualified === 'string') return qualified.slice(qualified.indexOf(':') + 1);
  return fallback ?? 'unknown';
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function resultSize(result: unknown): number | undefined {
  if (result === undefined || result === null) return 0;
  if (typeof result === 'string') return result.length;
  try {
    return JSON.stringify(result)?.length;
  } catch {
    return undefined;
  }
}

function startSpan(tracer: Tracer, queue: string, start: AttemptStart, attrs: Attributes): Span {
  const links: Link[] = start.links.map(([ctx, type]) => ({ context: ctx, attributes: { [LINK_TYPE]: type } }));
  const parent = start.parent ? trace.setSpanContext(ROOT_CONTEXT, start.parent) : ROOT_CONTEXT;
  return tracer.startSpan(
    `process ${queue}`,
    { kind: SpanKind.CONSUMER, attributes: attrs, links, root: !start.parent },
    parent,
  );
}

/**
 * Wraps a processor: a `process <queue>` span per attempt, parented or linked per the policy, with
 * messaging attributes, the outcome, and the processor running inside it (so `wideEvent()` works).
 * The processor's result and errors pass through unchanged; tracing problems never reach the job.
 */
export function tracedProcessor<J extends TracedJobLike, A extends unknown[], R>(
  processor: (job: J, ...rest: A) => Promise<R>,
  options: ConsumerTracingOptions = {},
): (job: J, ...rest: A) => Promise<R> {
  const tracer = options.tracer ?? trace.getTracer(TRACER_NAME);
  const policy = options.policy ?? 'link';
  const maxAge = options.maxParentAgeMs ?? DEFAULT_MAX_PARENT_AGE_MS;
  const attemptLogAfterMs = options.attemptLogAfterMs ?? DEFAULT_ATTEMPT_LOG_AFTER_MS;
  const warned = new Set<string>();
  const warn = (kind: string, error: unknown) => {
    if (warned.has(kind)) return;
    warned.add(kind);
    const message = `@wideline/bullmq: ${kind}: ${error instanceof Error ? error.message : String(error)}`;
    (options.onWarning ?? console.warn)(message);
  };

  return async function processWithTrace(job: J, ...rest: A): Promise<R> {
    let span: Span | undefined;
    let recorder: AttemptRecorder | undefined;
    let meta: { queue: string; attemptsMade: number; maxAttempts: number; started: number } | undefined;
    try {
      const opts = (typeof job.opts === 'object' && job.opts !== null ? job.opts : {}) as JobOptionsLike & {
        repeat?: unknown;
      };
      const queue = queueNameOf(job, options.queueName);
      const attemptsMade = num(job.attemptsMade, 0);
      const started = num(job.attemptsStarted, attemptsMade + 1);
      const stalledCount = num(job.stalledCounter, 0);
      const stored = readStoredContext(job.opts);
      let previous: SpanContext | undefined;
      if (options.readJobLog && job.id !== undefined && started > 1) {
        try {
          previous = previousAttempt(await options.readJobLog(job.id), started);
        } catch (error) {
          warn('reading the attempt log failed', error);
        }
      }
      const now = Date.now();
      const timestamp = num(job.timestamp, now);
      const start = planStart({
        stored,
        previous,
        policy,
        attemptsMade,
        started,
        stalled: stalledCount > 0,
        delayed: num(opts.delay, 0) > 0,
        repeat: typeof job.repeatJobKey === 'string' || opts.repeat !== undefined,
        old: stored.children.length === 0 && now - timestamp > maxAge,
      });
      const maxAttempts = Math.max(1, num(opts.attempts, 1));
      const attrs: Attributes = {
        ...jobAttributes(queue, job.name, opts),
        [MESSAGING_OPERATION_NAME]: 'process',
        [MESSAGING_OPERATION_TYPE]: 'process',
        [BULLMQ_ATTEMPT]: attemptsMade + 1,
        [BULLMQ_MAX_ATTEMPTS]: maxAttempts,
        [BULLMQ_START_REASON]: start.reason,
        [BULLMQ_FINAL_ATTEMPT]: attemptsMade + 1 >= maxAttempts,
      };
      if (job.id !== undefined) attrs[MESSAGING_MESSAGE_ID] = job.id;
      if (stalledCount > 0) attrs[BULLMQ_STALLED_COUNT] = stalledCount;
      if (stored.rejected) attrs[BULLMQ_CONTEXT_REJECTED] = true;
      if (typeof job.repeatJobKey === 'string') attrs[BULLMQ_REPEAT_KEY] = job.repeatJobKey;
      if (typeof job.parentKey === 'string') attrs[BULLMQ_PARENT_ID] = job.parentKey;
      if (stored.children.length > 0) attrs[BULLMQ_CHILDREN_COUNT] = stored.children.length;
      if (started <= 1 && typeof job.processedOn === 'number')
        attrs[BULLMQ_QUEUE_WAIT_MS] = Math.max(0, job.processedOn - timestamp - num(opts.delay, 0));
      span = startSpan(tracer, queue, start, attrs);
      meta = { queue, attemptsMade, maxAttempts, started };
      if (attemptLogAfterMs !== false && typeof job.log === 'function') {
        const log = job.log.bind(job);
        recorder = new AttemptRecorder(log, attemptLine(started, span.spanContext()), attemptLogAfterMs, (error) =>
          warn('writing the attempt log failed', error),
        );
      }
    } catch (error) {
      warn('starting the process span failed', error);
    }
    if (!span || !meta) return processor(job, ...rest);

    const began = performance.now();
    const active = span;
    const info = meta;
    try {
      const result = await context.with(trace.setSpan(ROOT_CONTEXT, active), () => processor(job, ...rest));
      active.setAttribute(BULLMQ_OUTCOME, 'completed');
      if (options.recordResultSize !== false) {
        const size = resultSize(result);
        if (size !== undefined) active.setAttribute(BULLMQ_RESULT_SIZE, size);
      }
      return result;
    } catch (error) {
      const thrown = classifyThrown(error, info.attemptsMade, info.maxAttempts);
      active.setAttribute(BULLMQ_OUTCOME, thrown.outcome);
      // The job comes back (retry, delayed, wait): the next attempt links to this one.
      if (!thrown.final) recorder?.now();
      if (thrown.isFailure) {
        const err = asError(error);
        active.recordException(err);
        active.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        active.setAttribute(ERROR_TYPE, err.name || 'Error');
        active.setAttribute(BULLMQ_FINAL_ATTEMPT, thrown.final);
        if (thrown.final && options.sentry)
          context.with(trace.setSpan(ROOT_CONTEXT, active), () =>
            reportFinalFailure(
              options.sentry as SentryLike,
              error,
              active.spanContext(),
              {
                queue: info.queue,
                jobId: job.id,
                jobName: job.name,
                attempt: info.attemptsMade + 1,
                maxAttempts: info.maxAttempts,
              },
              options.jaegerUiUrl,
            ),
          );
      } else {
        active.addEvent(`bullmq.${thrown.outcome}`);
      }
      throw error;
    } finally {
      recorder?.stop();
      active.setAttribute(BULLMQ_PROCESSING_MS, Math.round((performance.now() - began) * 1000) / 1000);
      active.end();
      if (options.flush) await options.flush().catch((error: unknown) => warn('flush failed', error));
    }
  };
}
