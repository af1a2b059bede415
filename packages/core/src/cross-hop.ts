/**
 * Tail decisions across hops, over W3C `traceresponse`. A callee that keeps a trace answers with the
 * sampled flag set; the caller, reading it, keeps its own part of the trace too, so a trace that one
 * service found interesting is complete in Jaeger instead of missing its upstream half.
 *
 * @example
 * // server side, before sending the response
 * response.headers.set('traceresponse', answerTraceresponse(tracing.tailSampler, span.spanContext()));
 * // client side, after a fetch returns
 * followTraceresponse(tracing.tailSampler, response.headers.get('traceresponse'), span.spanContext().traceId);
 * @module
 */
import { type SpanContext, TraceFlags } from '@opentelemetry/api';
import { formatTraceresponse, type HeaderValue, parseTraceresponse } from './traceparent';

/** The part of the tail sampler this module needs. */
export interface TailDecisions {
  wouldKeep(traceId: string): boolean;
  keepTrace(traceId: string): void;
}

/**
 * The `traceresponse` value for a server span: sampled when this process keeps (or, without tail
 * sampling, head-sampled) the trace. With a tail sampler, a `true` answer becomes binding.
 */
export function answerTraceresponse(tail: TailDecisions | undefined, spanContext: SpanContext): string {
  const kept = tail
    ? tail.wouldKeep(spanContext.traceId)
    : (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  return formatTraceresponse(spanContext, kept);
}

/**
 * Reads a callee's `traceresponse`; when it is valid, belongs to `traceId` and says the callee kept the
 * trace, keeps this process's part too. Returns whether it did. Malformed values are ignored.
 */
export function followTraceresponse(tail: TailDecisions | undefined, header: HeaderValue, traceId: string): boolean {
  const parsed = parseTraceresponse(header);
  if (!tail || !parsed?.sampled || parsed.traceId !== traceId) return false;
  tail.keepTrace(traceId);
  return true;
}
