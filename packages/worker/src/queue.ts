/**
 * Trace context through Cloudflare Queues. Queue messages have no headers, so the producer's
 * context travels inside the body, in core's `wideline` field (`attachTraceContext`), the same one
 * WebSocket messages use. Only plain-object bodies get it (strings, arrays and binary bodies go out
 * unchanged), and the instrumented consumer removes it again (`stripTraceContext`), so handlers see
 * the body they sent. An uninstrumented consumer sees one extra field.
 *
 * @internal
 * @module
 */
import { type Context, type Link, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import { type MessageTraceFields, remoteSpanContext } from '@wideline/core/sdk';

/** The remote span context in a message's trace fields, if valid per W3C. */
export function spanContextOf(fields: MessageTraceFields | undefined): SpanContext | undefined {
  return remoteSpanContext(fields?.traceparent, fields?.tracestate);
}

/**
 * Parent and links of a consumer batch: a batch whose messages all come from one trace continues
 * it (the first message's span is the parent); a mixed batch starts its own trace and links to
 * every producer, as messaging semantic conventions describe for batch receives.
 */
export function batchParent(contexts: ReadonlyArray<SpanContext | undefined>): { parent: Context; links: Link[] } {
  const found = contexts.filter((c): c is SpanContext => c !== undefined);
  const links = found.slice(0, 128).map((c) => ({ context: c }));
  const first = found[0];
  const sameTrace = first !== undefined && found.every((c) => c.traceId === first.traceId);
  return { parent: sameTrace ? trace.setSpanContext(ROOT_CONTEXT, first) : ROOT_CONTEXT, links };
}
