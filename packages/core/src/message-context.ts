/**
 * Trace context inside message bodies, for transports without per-message headers (WebSocket
 * messages, Cloudflare Queues, anything JSON): the sender adds a `wideline` field,
 *
 *   { ...yourFields, "wideline": { "traceparent": "00-…", "tracestate": "…", "correlationId": "…" } }
 *
 * and the receiver continues the trace from it. `@wideline/browser`, `@wideline/worker` and apps all
 * use these helpers, so every side agrees on the shape. Only plain-object bodies get the field.
 *
 * @example
 * socket.send(JSON.stringify(attachTraceContext({ type: 'order.status', status }, span.spanContext())));
 * // receiving side
 * const fields = readTraceContext(message);
 * const parent = remoteContext(fields?.traceparent, fields?.tracestate) ?? ROOT_CONTEXT;
 * @module
 */
import type { SpanContext } from '@opentelemetry/api';
import { formatTraceparent } from './traceparent';

/** The field that carries trace context inside a message body. */
export const MESSAGE_CONTEXT_KEY = 'wideline';
const MAX_CORRELATION_ID = 128;

/** Trace fields inside a message body. */
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

/**
 * `body` with the sender's context (and a correlation id) in its `wideline` field, when `body` is a
 * plain object and there is a span context; `body` unchanged otherwise.
 */
export function attachTraceContext<T>(body: T, spanContext: SpanContext | undefined, correlationId?: string): T {
  if (!isPlainObject(body) || (!spanContext && correlationId === undefined)) return body;
  const fields: MessageTraceFields = {};
  if (spanContext) {
    fields.traceparent = formatTraceparent(spanContext);
    const state = spanContext.traceState?.serialize();
    if (state) fields.tracestate = state;
  }
  if (correlationId !== undefined) fields.correlationId = correlationId;
  return { ...body, [MESSAGE_CONTEXT_KEY]: fields } as T;
}

/**
 * The trace fields of a received body, type-checked (malformed fields are dropped, a correlation id
 * is cut to 128 characters); `undefined` when there are none. Validate `traceparent` with
 * `remoteContext` before continuing it.
 */
export function readTraceContext(body: unknown): MessageTraceFields | undefined {
  if (!isPlainObject(body)) return undefined;
  const fields = body[MESSAGE_CONTEXT_KEY];
  if (!isPlainObject(fields)) return undefined;
  const result: MessageTraceFields = {};
  if (typeof fields.traceparent === 'string') result.traceparent = fields.traceparent;
  if (typeof fields.tracestate === 'string') result.tracestate = fields.tracestate;
  if (typeof fields.correlationId === 'string')
    result.correlationId = fields.correlationId.slice(0, MAX_CORRELATION_ID);
  return result;
}

/** The body without its `wideline` field, for handlers that should see what was sent. */
export function stripTraceContext(body: unknown): unknown {
  if (!isPlainObject(body) || !(MESSAGE_CONTEXT_KEY in body)) return body;
  const { [MESSAGE_CONTEXT_KEY]: _, ...rest } = body;
  return rest;
}
