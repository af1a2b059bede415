/**
 * `tracedProcessor`: wraps a BullMQ processor so each attempt is a CONSUMER `process <queue>` span —
 * the attempt's wide event — started where the link policy says, and ended with the outcome.
 *
 * Works for inline processors (the traced {@link Worker} wraps yours) and inside sandboxed processor
 * files (a child process or worker thread), where you wrap the default export yourself.
 *
 * @example
 * // processor.mjs, run by `new Worker('orders', pathToThisFile, …)`
 * import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
 * import { createTracing } from '@wideline/core';
 * import { tracedProcessor } from '@wideline/bullmq';
 *
 * const tracing = createTracing({ serviceName: 'jobs', contextManager: new AsyncLocalStorageContextManager() });
 * export default tracedProcessor(async (job) => charge(job.data), { flush: () => tracing.forceFlush() });
 * @module
 */
import { context, ROOT_CONTEXT, type Span, type SpanContext, type Tracer, trace } from '@opentelemetry/api';
import { recordError, WidelineConfigError } from '@wideline/core';
import { LINK_TYPES } from '@wideline/core/conventions';
import { asError, createWarnOnce, type WarningHandler } from '@wideline/core/sdk';
import type { SandboxedJob } from 'bullmq';
import { type Attempt, describeAttempt, startedCount, startProcessSpan, type TracedJobLike } from './attempt';
import { AttemptLogWriter, type PendingAttempt, previousAttempt } from './attempt-log';
import { BULLMQ_FINAL_ATTEMPT, BULLMQ_OUTCOME, BULLMQ_PROCESSING_MS, BULLMQ_RESULT_SIZE } from './attributes';
import { classifyThrown } from './outcome';
import { TRACER_NAME } from './producer';
import { reportFinalFailure, type SentryLike } from './sentry-report';
import { withSpan } from './span-context';
import type { StartPolicy } from './start-policy';

export type { TracedJobLike } from './attempt';

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
  /**
   * Jaeger UI base URL for the Sentry link. Default: the registered tracing's `jaegerUiUrl`
   * (`createNodeTracing`'s option, else `WIDELINE_JAEGER_UI_URL`, else `http://localhost:16686`).
   */
  jaegerUiUrl?: string;
  /** Awaited after each attempt's span ends, e.g. `() => tracing.forceFlush()` in a sandboxed processor. */
  flush?: () => Promise<unknown>;
  /** Queue name when the job does not carry one. */
  queueName?: string;
  /** Called once per kind of telemetry problem. Default: `console.warn`. */
  onWarning?: WarningHandler;
}

const DEFAULT_MAX_PARENT_AGE_MS = 300_000;
const DEFAULT_ATTEMPT_LOG_AFTER_MS = 500;

function resultSize(result: unknown): number | undefined {
  if (result === undefined || result === null) return 0;
  if (typeof result === 'string') return result.length;
  try {
    return JSON.stringify(result)?.length;
  } catch {
    return undefined;
  }
}

/** Start-up check: a bad option throws at once, naming the option and the fix. */
function validate(options: ConsumerTracingOptions): void {
  const { policy, maxParentAgeMs, attemptLogAfterMs } = options;
  if (policy !== undefined && policy !== 'link' && policy !== 'parent' && policy !== 'both')
    throw new WidelineConfigError(
      'wideline.policy',
      `'${String(policy)}' is not a policy`,
      "use 'link', 'parent' or 'both'",
    );
  if (maxParentAgeMs !== undefined && !(maxParentAgeMs >= 0))
    throw new WidelineConfigError(
      'wideline.maxParentAgeMs',
      `'${maxParentAgeMs}' is not a duration`,
      'give milliseconds >= 0',
    );
  if (attemptLogAfterMs !== undefined && attemptLogAfterMs !== false && !(attemptLogAfterMs >= 0))
    throw new WidelineConfigError(
      'wideline.attemptLogAfterMs',
      `'${attemptLogAfterMs}' is not a duration`,
      'give milliseconds >= 0, or false to never write the attempt log',
    );
}

/** Records what a processor threw on its span; reports a final failure to Sentry when asked. */
function recordThrown(
  span: Span,
  error: unknown,
  job: TracedJobLike,
  attempt: Attempt,
  options: ConsumerTracingOptions,
  log: AttemptLogWriter | undefined,
  pending: PendingAttempt | undefined,
): void {
  const thrown = classifyThrown(error, attempt.attemptsMade, attempt.maxAttempts);
  span.setAttribute(BULLMQ_OUTCOME, thrown.outcome);
  // The job comes back (retry, delayed, wait): the next attempt links to this one.
  if (!thrown.final && pending) log?.now(pending);
  if (!thrown.isFailure) {
    span.addEvent(`bullmq.${thrown.outcome}`);
    return;
  }
  recordError(span, error);
  span.setAttribute(BULLMQ_FINAL_ATTEMPT, thrown.final);
  const sentry = options.sentry;
  if (!thrown.final || !sentry) return;
  const info = {
    queue: attempt.queue,
    jobId: job.id,
    jobName: job.name,
    attempt: attempt.attemptsMade + 1,
    maxAttempts: attempt.maxAttempts,
  };
  // A retry runs in a trace of its own: the event also names the trace that created the job.
  const origin = attempt.start.links.find(([, type]) => type === LINK_TYPES.creation)?.[0];
  context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
    reportFinalFailure(sentry, error, span.spanContext(), info, options.jaegerUiUrl, origin),
  );
}

/**
 * Wraps a processor: a `process <queue>` span per attempt, parented or linked per the policy, with
 * messaging attributes, the outcome, and the processor running inside it (so `wideEvent()` works).
 * The processor's result and errors pass through unchanged; tracing problems never reach the job.
 *
 * The job's type is the processor's: a BullMQ `Job` inside the traced {@link Worker}, and by default
 * BullMQ's `SandboxedJob` (with `data: any`, as BullMQ types it) when you wrap a sandboxed
 * processor file's function without annotating its parameter.
 */
export function tracedProcessor<J extends TracedJobLike = SandboxedJob, A extends unknown[] = [], R = unknown>(
  processor: (job: J, ...rest: A) => Promise<R>,
  options: ConsumerTracingOptions = {},
): (job: J, ...rest: A) => Promise<R> {
  validate(options);
  const tracer: Tracer = options.tracer ?? trace.getTracer(TRACER_NAME);
  const settings = {
    queueName: options.queueName,
    policy: options.policy ?? 'link',
    maxParentAgeMs: options.maxParentAgeMs ?? DEFAULT_MAX_PARENT_AGE_MS,
  };
  const attemptLogAfterMs = options.attemptLogAfterMs ?? DEFAULT_ATTEMPT_LOG_AFTER_MS;
  const warnOnce = createWarnOnce(options.onWarning);
  const warn = (kind: string, error: unknown) =>
    warnOnce(kind, `[wideline] @wideline/bullmq: ${kind}: ${asError(error).message}`);
  const attemptLog =
    attemptLogAfterMs === false
      ? undefined
      : new AttemptLogWriter(attemptLogAfterMs, (error) => warn('writing the attempt log failed', error));

  async function previousOf(job: J): Promise<SpanContext | undefined> {
    const started = startedCount(job);
    // Only re-picks (retries, stalls, returns from delayed) read the log: never the fast path.
    if (!options.readJobLog || job.id === undefined || started <= 1) return undefined;
    try {
      return previousAttempt(await options.readJobLog(job.id), started);
    } catch (error) {
      warn('reading the attempt log failed', error);
      return undefined;
    }
  }

  async function processWithTrace(job: J, ...rest: A): Promise<R> {
    let span: Span | undefined;
    let attempt: Attempt | undefined;
    try {
      const started = startedCount(job);
      attempt = describeAttempt(job, settings, started > 1 ? await previousOf(job) : undefined);
      span = startProcessSpan(tracer, attempt, job);
    } catch (error) {
      warn('starting the process span failed', error);
    }
    if (!span || !attempt) return processor(job, ...rest);

    const active = span;
    // A sampled-out attempt only propagates its context (jobs the processor adds inherit the
    // decision): no attempt log, no timings, no result size. Nothing would ever read them.
    const recording = active.isRecording();
    const pending =
      recording && attemptLog && typeof job.log === 'function'
        ? attemptLog.track(job, attempt.started, active.spanContext())
        : undefined;
    const began = recording ? performance.now() : 0;
    try {
      const result = await context.with(withSpan(ROOT_CONTEXT, active), processor, undefined, job, ...rest);
      if (recording) {
        active.setAttribute(BULLMQ_OUTCOME, 'completed');
        const size = options.recordResultSize === false ? undefined : resultSize(result);
        if (size !== undefined) active.setAttribute(BULLMQ_RESULT_SIZE, size);
      }
      return result;
    } catch (error) {
      recordThrown(active, error, job, attempt, options, attemptLog, pending);
      throw error;
    } finally {
      if (pending) attemptLog?.done(pending);
      if (recording) active.setAttribute(BULLMQ_PROCESSING_MS, Math.round((performance.now() - began) * 1000) / 1000);
      active.end();
      if (options.flush) await options.flush().catch((error: unknown) => warn('flush failed', error));
    }
  }
  // BullMQ passes an AbortSignal only to processors declaring three parameters (`processor.length`).
  Object.defineProperty(processWithTrace, 'length', { value: processor.length });
  return processWithTrace;
}
