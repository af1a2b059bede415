/**
 * One way to say "this unit of work failed", for every runtime: the exception event, ERROR status
 * with the error's message, and `error.type` (OpenTelemetry semantic conventions: the error's class
 * name). The error object also remembers the span it failed in, so that a Sentry integration that
 * sees it later — after the span ended, outside its context — still finds the right trace.
 *
 * @example
 * import { recordError } from '@wideline/core';
 *
 * try {
 *   await charge(order);
 * } catch (error) {
 *   recordError(span, error);
 *   throw error;
 * }
 * @module
 */
import { type Span, type SpanContext, SpanStatusCode } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from './conventions';

/** Where an error keeps the span context it was recorded in (a registered symbol: copies agree). */
const ERROR_SPAN_CONTEXT = Symbol.for('wideline.errorSpanContext');

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * `value` as an `Error`: itself; for an error-like object (an error that crossed a structured clone
 * or a process boundary, such as a BullMQ sandboxed processor's), an `Error` with its `message`,
 * `name` and `stack`; otherwise an `Error` whose message is `String(value)`.
 */
export function asError(value: unknown): Error {
  if (value instanceof Error) return value;
  const message = field(value, 'message');
  const err = new Error(typeof message === 'string' ? message : String(value));
  const name = field(value, 'name');
  if (typeof name === 'string' && name !== '') err.name = name;
  const stack = field(value, 'stack');
  if (typeof stack === 'string') err.stack = stack;
  return err;
}

/**
 * Records `error` on `span`: an `exception` event (type, message, stack), ERROR status with the
 * message, and `error.type` set to the error's name (`Error` for values that are not errors). An
 * error object is marked with the span's context for {@link errorSpanContext}. Never throws.
 */
export function recordError(span: Span, error: unknown): void {
  try {
    const err = asError(error);
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    span.setAttribute(ATTR_ERROR_TYPE, err.name || 'Error');
    if (typeof error === 'object' && error !== null && !Object.isFrozen(error)) {
      Object.defineProperty(error, ERROR_SPAN_CONTEXT, { value: span.spanContext(), configurable: true });
    }
  } catch {
    // A hostile error (a throwing getter, a Proxy) goes unrecorded rather than breaking the caller.
  }
}

/** The span context `error` was recorded in by {@link recordError}, if any. */
export function errorSpanContext(error: unknown): SpanContext | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  try {
    return (error as { [ERROR_SPAN_CONTEXT]?: SpanContext })[ERROR_SPAN_CONTEXT];
  } catch {
    return undefined;
  }
}
