/**
 * An attempt that runs long enough to matter writes its span context as one line of the job's own
 * log (`job.log`), so the attempt that re-picks a stalled job (its worker crashed; BullMQ moved it
 * back to wait) can link to the attempt that never finished. The job's log is removed with the job, so nothing is left behind in
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
