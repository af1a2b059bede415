/**
 * Incoming HTTP: the caller's W3C context accepted per config, a SERVER span with HTTP semantic
 * conventions, a `traceresponse` header, and — for streamed bodies — a span that ends when the body
 * has been sent, not when the handler returned.
 *
 * @internal
 * @module
 */
import { type Attributes, type Context, context, ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api';
import { answerTraceresponse, headersGetter, recordError } from '@wideline/core';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_MESSAGE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@wideline/core/conventions';
import { formatTraceresponse } from '@wideline/core/sdk';
import { type AcceptTraceContext, type IsolateRuntime, propagator } from './config';
import { flushAfter, keepAlive, type WaitUntilHost } from './invocation';

/** The caller's context if config accepts it, else the root (a new trace). Never throws. */
export function incomingContext(request: Request, accept: AcceptTraceContext | undefined): Context {
  try {
    const allowed = accept === undefined || accept === 'always' || (accept !== 'never' && accept(request) === true);
    return allowed ? propagator.extract(ROOT_CONTEXT, request.headers, headersGetter) : ROOT_CONTEXT;
  } catch {
    return ROOT_CONTEXT;
  }
}

/** HTTP server attributes of a request (OpenTelemetry HTTP semantic conventions). */
export function requestAttributes(request: Request): Attributes {
  const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: request.method };
  try {
    const url = new URL(request.url);
    attributes[ATTR_URL_FULL] = request.url;
    attributes[ATTR_URL_SCHEME] = url.protocol.slice(0, -1);
    attributes[ATTR_URL_PATH] = url.pathname;
    if (url.search) attributes[ATTR_URL_QUERY] = url.search.slice(1);
    attributes[ATTR_SERVER_ADDRESS] = url.hostname;
    if (url.port) attributes[ATTR_SERVER_PORT] = Number(url.port);
  } catch {
    // A Request always has an absolute URL; a mock may not.
  }
  const userAgent = request.headers.get('user-agent');
  if (userAgent) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
  const client = request.headers.get('cf-connecting-ip');
  if (client) attributes[ATTR_CLIENT_ADDRESS] = client;
  const ray = request.headers.get('cf-ray');
  if (ray) attributes['cloudflare.ray_id'] = ray;
  // request.cf is not read: workerd builds that object on first access, which costs more than all
  // the other attributes together.
  return attributes;
}

/** The `traceresponse` answer: the tail sampler's decision when tail sampling is on. */
function traceresponseFor(runtime: IsolateRuntime, span: Span): string {
  if (!span.isRecording()) return formatTraceresponse(span.spanContext(), false);
  return answerTraceresponse(runtime.tracing.tailSampler, span.spanContext());
}

interface FixedLengthStreamClass {
  new (length: number): TransformStream;
}

type IdentityTransformStreamClass = new () => TransformStream;

// Statuses whose responses never carry a body (RFC 9110): nothing to pipe, nothing to wait for.
const NO_BODY_STATUS = new Set([101, 204, 205, 304]);
const SENT: Promise<void> = Promise.resolve();

/**
 * Sets `traceresponse` on the response's own headers when they are mutable (a `new Response()`
 * built by the handler); `undefined` when they are immutable (a response passed through from
 * `fetch()`), which then needs a copy.
 */
function setInPlace(response: Response, traceresponse: string): Headers | undefined {
  try {
    response.headers.set('traceresponse', traceresponse);
    return response.headers;
  } catch {
    return undefined;
  }
}

/**
 * A response like `response`, with `traceresponse` set and a promise that settles when its body is
 * sent. Bodyless responses (null body, 101/204/205/304) are returned as they are when their headers
 * are mutable: no copy, no pipe; a HEAD response loses its body. Only a body is piped, because only
 * then is "sent" later than "returned".
 */
function instrumentResponse(
  request: Request,
  response: Response,
  traceresponse: string,
): { response: Response; done: Promise<void> } {
  const body = response.body;
  const webSocket = (response as { webSocket?: WebSocket | null }).webSocket;
  const bodyless = body === null || NO_BODY_STATUS.has(response.status) || webSocket != null;
  const mutable = setInPlace(response, traceresponse);
  if (bodyless && mutable) return { response, done: SENT };
  const headers = mutable ?? new Headers(response.headers);
  if (!mutable) headers.set('traceresponse', traceresponse);
  const init: ResponseInit & { webSocket?: WebSocket } = {
    status: response.status,
    statusText: response.statusText,
    headers,
  };
  if (webSocket) init.webSocket = webSocket;
  // A HEAD response's body is never read, so waiting for it would hold the span open.
  if (bodyless || request.method === 'HEAD') return { response: new Response(null, init), done: SENT };
  // Workers send a stream of unknown length chunked; FixedLengthStream keeps Content-Length. Both it
  // and IdentityTransformStream are native byte pipes in workerd, far cheaper than a JS TransformStream.
  const streams = globalThis as {
    FixedLengthStream?: FixedLengthStreamClass;
    IdentityTransformStream?: IdentityTransformStreamClass;
  };
  const length = Number(headers.get('content-length') ?? NaN);
  const pipe =
    streams.FixedLengthStream && Number.isSafeInteger(length) && length >= 0
      ? new streams.FixedLengthStream(length)
      : streams.IdentityTransformStream
        ? new streams.IdentityTransformStream()
        : new TransformStream();
  const done = (body as ReadableStream).pipeTo(pipe.writable);
  return { response: new Response(pipe.readable, init), done };
}

/**
 * Whether a thrown error is answered with Wideline's 500 in this invocation: yes, unless the handler
 * called `ctx.passThroughOnException()`; then the error must reach the runtime, which forwards the
 * request to the origin instead of answering. The method is wrapped on this invocation's own `ctx`
 * (the way Sentry wraps `waitUntil`); where it cannot be, the answer is always "no", and thrown
 * errors reach the runtime as before.
 */
export function answersThrown(ctx: unknown): () => boolean {
  const host = ctx as { passThroughOnException?: () => void } | null | undefined;
  const original = host?.passThroughOnException;
  if (typeof original !== 'function') return () => true;
  let passedThrough = false;
  try {
    host!.passThroughOnException = () => {
      passedThrough = true;
      original.call(host);
    };
  } catch {
    return () => false;
  }
  return () => !passedThrough;
}

/**
 * The 500 Wideline answers for a handler that threw: like the runtime's own, with no detail of the
 * error (that goes to the span and the log), plus `traceresponse`, so the caller can find the trace.
 */
function thrownResponse(runtime: IsolateRuntime, span: Span, error: unknown): Response {
  // The runtime logs an uncaught exception; an answered one is logged here, so `wrangler tail` keeps it.
  console.error('[wideline] the fetch handler threw; answered 500:', error);
  return new Response('Internal Server Error', {
    status: 500,
    headers: { 'content-type': 'text/plain;charset=UTF-8', traceresponse: traceresponseFor(runtime, span) },
  });
}

/**
 * Runs an HTTP handler inside a SERVER span. The span ends when the response body has been sent
 * (or the handler threw); the export is flushed after that, under `waitUntil`.
 *
 * When the handler throws and `answerThrown()` says so, the error is recorded on the span and the
 * request answered with a 500 that carries `traceresponse` (an SDK placed inside, such as
 * `withSentry`, has seen the throw by then); otherwise the error is rethrown to the runtime (Durable
 * Object callers get the exception, `passThroughOnException` sends the request to the origin).
 */
export async function traceFetch(
  runtime: IsolateRuntime,
  host: WaitUntilHost | undefined,
  request: Request,
  handler: () => Response | Promise<Response>,
  accept: AcceptTraceContext | undefined = runtime.config.acceptTraceContext,
  answerThrown: () => boolean = () => false,
): Promise<Response> {
  const parent = incomingContext(request, accept);
  const span = runtime.tracing.tracer.startSpan(
    request.method,
    { kind: SpanKind.SERVER, attributes: requestAttributes(request) },
    parent,
  );
  let response: Response;
  try {
    response = await context.with(trace.setSpan(parent, span), handler);
  } catch (error) {
    recordError(span, error);
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, 500);
    let answer: Response | undefined;
    try {
      answer = answerThrown() ? thrownResponse(runtime, span, error) : undefined;
    } catch {
      answer = undefined;
    }
    span.end();
    flushAfter(runtime, host);
    if (answer) return answer;
    throw error;
  }
  let traced: { response: Response; done: Promise<void> };
  try {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
    if (response.status >= 500) span.setStatus({ code: 2 });
    traced = instrumentResponse(request, response, traceresponseFor(runtime, span));
  } catch {
    span.end();
    flushAfter(runtime, host);
    return response;
  }
  // One continuation ends the span and starts the flush: each promise hop here is paid per request.
  const endAndFlush = () => {
    span.end();
    return runtime.flush();
  };
  const flushed = traced.done.then(endAndFlush, (error: unknown) => {
    // The client went away or the body failed mid-stream: the response was already committed.
    span.setAttribute('wideline.response.aborted', true);
    span.addEvent('response body aborted', { [ATTR_ERROR_MESSAGE]: String(error) });
    return endAndFlush();
  });
  keepAlive(host, flushed);
  return traced.response;
}
