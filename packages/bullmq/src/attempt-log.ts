/**
 * An attempt writes its span context as one line of the job's own log (`job.log`) when it has run
 * long enough to matter, or when it ends in a way that brings the job back (a retryable failure, a
 * move to delayed or wait), so the next attempt — a retry, or the re-pick of a stalled job whose
 * worker crashed — can link to it. Short attempts that complete never pay the extra Redis command.
 * The job's log is removed with the job, so nothing is left behind in Redis, and the line doubles as a pointer from a job dashboard to the trace.
 *
 * @internal
 * @module
 */
import { type SpanContext, TraceFlags } from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent } from '@wideline/core/sdk';

const PREFIX = 'wideline.attempt ';
const LINE_RE = /^wideline\.attempt (\d{1,6}) (\S{55})$/;

/** The log line for attempt `started` (BullMQ's `attemptsStarted`) of a job. */
export function attemptLine(started: number, spanContext: SpanContext): string {
  return `${PREFIX}${started} ${formatTraceparent(spanContext)}`;
}

/** The most recent earlier attempt's span context among `lines`, if any. */
export function previousAttempt(lines: readonly unknown[], currentStarted: number): SpanContext | undefined {
  let best: { n: number; context: SpanContext } | undefined;
  for (const line of lines) {
    if (typeof line !== 'string' || !line.startsWith(PREFIX)) continue;
    const match = LINE_RE.exec(line);
    if (!match) continue;
    const n = Number(match[1]);
    const parsed = parseTraceparent(match[2]);
    if (!parsed || n >= currentStarted || (best && best.n >= n)) continue;
    best = {
      n,
      context: {
        traceId: parsed.traceId,
        spanId: parsed.spanId,
        traceFlags: parsed.traceFlags & TraceFlags.SAMPLED,
        isRemote: true,
      },
    };
  }
  return best?.context;
}

/** A job whose attempt may need its line written: anything with BullMQ's `job.log`. */
export interface LoggableJob {
  log?(row: string): unknown;
}

/** One in-flight attempt waiting for its line. */
export interface PendingAttempt {
  job: LoggableJob;
  started: number;
  spanContext: SpanContext;
  /** `performance.now()` when the attempt began. */
  since: number;
}

/**
 * Writes attempt lines for a whole worker with one timer, not one per job: attempts are kept in
 * start order, and the timer fires when the oldest one reaches `afterMs`. A short attempt that
 * completes costs a set insertion and a deletion, no timer and no string; the line is only
 * formatted when it is written.
 */
export class AttemptLogWriter {
  readonly #afterMs: number;
  readonly #warn: (error: unknown) => void;
  // Insertion order is start order, so the first entry is always the oldest.
  readonly #pending = new Set<PendingAttempt>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(afterMs: number, warn: (error: unknown) => void) {
    this.#afterMs = afterMs;
    this.#warn = warn;
  }

  /** Starts tracking an attempt; with `afterMs` 0 its line is written at once. */
  track(job: LoggableJob, started: number, spanContext: SpanContext): PendingAttempt {
    const entry: PendingAttempt = { job, started, spanContext, since: performance.now() };
    if (this.#afterMs <= 0) this.#write(entry);
    else {
      this.#pending.add(entry);
      if (this.#timer === undefined) this.#schedule(this.#afterMs);
    }
    return entry;
  }

  /** Writes the attempt's line now, unless it was written already. */
  now(entry: PendingAttempt): void {
    if (this.#pending.delete(entry)) this.#write(entry);
  }

  /** The attempt is over: nothing more to write for it. */
  done(entry: PendingAttempt): void {
    this.#pending.delete(entry);
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(() => this.#tick(), Math.max(1, delay));
    this.#timer.unref?.();
  }

  #tick(): void {
    this.#timer = undefined;
    const cutoff = performance.now() - this.#afterMs;
    for (const entry of this.#pending) {
      if (entry.since > cutoff) {
        this.#schedule(entry.since - cutoff);
        return;
      }
      this.#pending.delete(entry);
      this.#write(entry);
    }
  }

  #write(entry: PendingAttempt): void {
    try {
      const pending = entry.job.log?.(attemptLine(entry.started, entry.spanContext));
      if (pending instanceof Promise) pending.catch(this.#warn);
    } catch (error) {
      this.#warn(error);
    }
  }
}
