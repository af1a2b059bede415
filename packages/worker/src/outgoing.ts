/**
 * Outgoing HTTP: CLIENT spans for `fetch` and for service bindings, and W3C context on the request
 * only where it is meant to go — `propagateTo`'s targets for the open internet; always for service
 * bindings and Durable Object stubs, which stay inside the account.
 *
 * @internal
 * @module
 */
import { type Attributes, context, isSpanContextValid, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { followTraceresponse, recordError } from '@wideline/core';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@wideline/core/conventions';
import { type IsolateRuntime, propagator } from './config';

const headersSetter = {
  set(carrier: Headers, key: string, value: string) {
    carrier.set(key, value);
  },
};

function clientAttributes(method: string, url: URL | undefined, extra: Attributes | undefined): Attributes {
  const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: method };
  if (url) {
    attributes[ATTR_URL_FULL] = url.href;
    attributes[ATTR_SERVER_ADDRESS] = url.hostname;
    attributes[ATTR_SERVER_PORT] = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  }
  if (extra) for (const key in extra) attributes[key] = extra[key];
  return attributes;
}

/** How a traced outgoing call is made: through global `fetch` or a binding's `fetch`. */
export interface OutgoingTarget {
  call: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** Always propagate (service bindings, Durable Object stubs). */
  internal?: boolean;
  /**
   * `call` is the runtime's own `fetch`: no JavaScript runs inside it, so it is called without
   * making the CLIENT span the active context (a context switch per request, for nothing).
   */
  native?: boolean;
  /** Extra attributes, e.g. the binding name. */
  attributes?: Attributes;
}

/**
 * Makes one outgoing request inside a CLIENT span. Outside any trace, or inside suppressed tracing
 * (the exporter's own requests), the request goes out untouched. Under an unsampled parent the
 * CLIENT span records nothing, but its context still goes out (flags `00`, the caller's
 * `tracestate`): W3C §3.5, "A vendor receiving a traceparent request header MUST send it to
 * outgoing requests", so the callee continues the trace instead of starting its own.
 */
export async function tracedFetch(
  runtime: IsolateRuntime,
  target: OutgoingTarget,
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> {
  const active = context.active();
  const parent = trace.getSpanContext(active);
  if (!parent || !isSpanContextValid(parent) || isTracingSuppressed(active)) return target.call(input, init);
  // No Request is built for string/URL inputs: it would copy the body and headers for nothing.
  const isRequest = input instanceof Request;
  const method = (init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
  let url: URL | undefined;
  try {
    url = new URL(isRequest ? input.url : String(input));
  } catch {
    url = undefined;
  }
  const span = runtime.tracing.tracer.startSpan(
    method,
    { kind: SpanKind.CLIENT, attributes: clientAttributes(method, url, target.attributes) },
    active,
  );
  const spanContext = trace.setSpan(active, span);
  let callInput = input;
  let callInit = init;
  if (target.internal === true || (url !== undefined && runtime.mayPropagate(url))) {
    try {
      if (isRequest) {
        // A Request built here has mutable headers, unlike the one the caller passed in.
        const request = new Request(input, init);
        propagator.inject(spanContext, request.headers, headersSetter);
        callInput = request;
        callInit = undefined;
      } else {
        const headers = new Headers(init?.headers);
        propagator.inject(spanContext, headers, headersSetter);
        callInit = { ...init, headers };
      }
    } catch {
      // Unbuildable input: let the runtime raise its own error below, unpropagated.
    }
  }
  try {
    const response = await (target.native
      ? target.call(callInput, callInit)
      : context.with(spanContext, () => target.call(callInput, callInit)));
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
    // A callee that keeps the trace says so; keep this part too, so the trace is whole in Jaeger.
    const tail = runtime.tracing.tailSampler;
    if (tail && span.isRecording())
      followTraceresponse(tail, response.headers.get('traceresponse'), span.spanContext().traceId);
    if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
    return response;
  } catch (error) {
    recordError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

const PATCHED = Symbol.for('wideline.fetch');

/**
 * Wraps the isolate's global `fetch` once. Later calls (other entry points, a new runtime in tests)
 * only swap the runtime the wrapper reads, so `fetch` is never wrapped twice by Wideline.
 */
export function instrumentGlobalFetch(runtime: IsolateRuntime): void {
  const current = globalThis.fetch as typeof fetch & { [PATCHED]?: { runtime: IsolateRuntime } };
  const existing = current[PATCHED];
  if (existing) {
    existing.runtime = runtime;
    return;
  }
  const state = { runtime };
  const target: OutgoingTarget = {
    call(input, init) {
      return current(input, init);
    },
    // By name: a bound function prints as native code whatever it wraps, and Node's `fetch` is
    // JavaScript (undici, whose diagnostics-channel instrumentation reads the active context).
    native: /^function fetch\(\) \{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(current)),
  };
  const wrapped = ((input: RequestInfo | URL, init?: RequestInit) =>
    tracedFetch(state.runtime, target, input, init)) as typeof fetch & { [PATCHED]?: { runtime: IsolateRuntime } };
  wrapped[PATCHED] = state;
  globalThis.fetch = wrapped;
}
