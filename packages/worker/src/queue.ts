/**
 * Trace context through Cloudflare Queues. Queue messages have no headers, so the producer's
 * context travels inside the body, under the same `wideline` key that WebSocket messages use:
 *
 *   { ...yourFields, "wideline": { "traceparent": "00-…", "tracestate": "…" } }
 *
 * Only plain-object bodies get the key (strings, arrays and binary bodies go out unchanged), and the
 * instrumented consumer removes it again, so handlers see the body they sent. An uninstrumented
 * consumer sees one extra field.
 *
 * @internal
 * @module
 */
import { type Context, type Link, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent, parseTracestate } from '@wideline/core';

/** The key under which Wideline carries context inside JSON message bodies. */
export const ENVELOPE_KEY = 'wideline';

/** Trace fields inside a message body (queue message or WebSocket message). */
export interface MessageTraceFields {
  traceparent?: string;
  tracestate?: string;
  correlationId?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `body` with the producer's context added, when `body` is a plain object; `body` otherwise. */
export function injectIntoBody(body: unknown, spanContext: SpanContext | undefined): unknown {
  if (!spanContext || !isPlainObject(body)) return body;
  const fields: MessageTraceFields = { traceparent: formatTraceparent(spanContext) };
  const state = spanContext.traceState?.serialize();
  if (state) fields.tracestate = state;
  return { ...body, [ENVELOPE_KEY]: fields };
}

/** The trace fields of a message body, validated; `undefined` when absent or malformed. */
export function readEnvelope(body: unknown): MessageTraceFields | undefined {
  if (!isPlainObject(body)) return undefined;
  const fields = body[ENVELOPE_KEY];
  if (!isPlainObject(fields)) return undefined;
  const result: MessageTraceFields = {};
  if (typeof fields.traceparent === 'string') result.traceparent = fields.traceparent;
  if (typeof fields.tracestate === 'string') result.tracestate = fields.tracestate;
  if (typeof fields.correlationId === 'string') result.correlationId = fields.correlationId.slice(0, 128);
  return result;
}

/** The remote span context in a message's trace fields, if valid per W3C. */
export function spanContextOf(fields: MessageTraceFields | undefined): SpanContext | undefined {
  const parent = parseTraceparent(fields?.traceparent);
  if (!parent) return undefined;
  const traceState = parseTracestate(fields?.tracestate);
  return {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parent.traceFlags & 1,
    isRemote: true,
    ...(traceState ? { traceState } : {}),
  };
}

/** A body without the `wideline` key, for handlers. */
export function stripEnvelope(body: unknown): unknown {
  if (!isPlainObject(body) || !(ENVELOPE_KEY in body)) return body;
  const { [ENVELOPE_KEY]: _, ...rest } = body;
  return rest;
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
