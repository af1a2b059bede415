/**
 * Request spans still open when the page goes away. A fetch whose answer has not arrived at
 * `pagehide` never ends on its own: the page is gone before the answer. The server did receive its
 * `traceparent`, so without this the server's span would hang off a parent that never arrives.
 * At `pagehide` each open request span is ended with its status unset and
 * `wideline.ended_by = unload` — it says the page left, not that the request failed.
 *
 * The tracker wraps the tracer the request instrumentations use, so it sees every span they start
 * without reaching into them.
 *
 * @internal
 * @module
 */
import type { Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';

/** A tracer that remembers the spans it started until they end. */
export interface OpenSpanTracker {
  readonly tracer: Tracer;
  /** Ends every span still open, marked as ended by the unload; returns how many. */
  endAtUnload(): number;
}

/** Wraps `tracer` (its `startSpan`; request instrumentations use no other method). */
export function trackOpenSpans(tracer: Tracer): OpenSpanTracker {
  const open = new Set<Span>();
  const tracked: Tracer = {
    startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
      const span = tracer.startSpan(name, options, ctx);
      if (!span.isRecording()) return span;
      open.add(span);
      const end = span.end.bind(span);
      span.end = (endTime) => {
        open.delete(span);
        end(endTime);
      };
      return span;
    },
    startActiveSpan: tracer.startActiveSpan.bind(tracer) as Tracer['startActiveSpan'],
  };
  return {
    tracer: tracked,
    endAtUnload() {
      const count = open.size;
      for (const span of [...open]) {
        span.setAttribute('wideline.ended_by', 'unload');
        span.end();
      }
      return count;
    },
  };
}
