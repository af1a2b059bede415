/**
 * An attempt writes its span context as one line of the job's own log (`job.log`) when it has run
 * long enough to matter, or when it ends in a way that brings the job back (a retryable failure, a
 * move to delayed or wait), so the next attempt — a retry, or the re-pick of a stalled job whose
 * worker crashed — can link to it. Short attempts that complete never pay the extra Redis command. The job's log is removed with the job, so nothing is left behind in
 * Redis, and the line doubles as a pointer from a job dashboard to the trace.
 *
 * @internal
 * @module
 */
import { type SpanContext, TraceFlags } from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent } from '@wideline/core';

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

/** Writes one attempt's line at most once: after a delay, or at once when asked. */
export class AttemptRecorder {
  readonly #write: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #written = false;

  constructor(log: (row: string) => unknown, line: string, afterMs: number, warn: (error: unknown) => void) {
    this.#write = () => {
      try {
        const pending = log(line);
        if (pending instanceof Promise) pending.catch(warn);
      } catch (error) {
        warn(error);
      }
    };
    if (afterMs <= 0) this.now();
    else {
      this.#timer = setTimeout(() => this.now(), afterMs);
      this.#timer.unref?.();
    }
  }

  /** Writes the line now, unless it was written already. */
  now(): void {
    this.stop();
    if (this.#written) return;
    this.#written = true;
    this.#write();
  }

  /** Cancels a pending write. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
