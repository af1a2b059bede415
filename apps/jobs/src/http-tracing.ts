/**
 * HTTP tracing for this service: a SERVER span per incoming request that continues the caller's W3C
 * trace context, and a CLIENT span per outgoing `fetch` that carries it on. Wideline has no Node HTTP
 * package yet, so the app does these two small things itself with `@wideline/core`'s propagator.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { answerTraceresponse, followTraceresponse, headersGetter, wideEvent } from '@wideline/core';
import type { TailDecisions } from '@wideline/core/sdk';

/** A request handler that returns the route template it matched (the span's name), e.g. `POST /orders`. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<string>;

/**
 * Wraps `handler` so each request runs inside a SERVER span (the request's wide event). The response
 * carries `traceresponse`, which tells the caller whether this service keeps the trace (with tail
 * sampling, a yes is binding), so the caller can keep its part too.
 */
export function traceRequests(
  tracer: Tracer,
  handler: Handler,
  tail?: TailDecisions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers as Record<string, string>, headersGetter);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const span = tracer.startSpan(
      `${req.method} ${url.pathname}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method ?? 'GET',
          'url.path': url.pathname,
          'url.scheme': 'http',
          'server.port': req.socket.localPort ?? 0,
          'user_agent.original': req.headers['user-agent'] ?? '',
        },
      },
      parent,
    );
    context
      .with(trace.setSpan(parent, span), async () => {
        // Decided now, before the handler writes its head; the tail sampler may still keep it later.
        res.setHeader('traceresponse', answerTraceresponse(tail, span.spanContext()));
        try {
          const route = await handler(req, res);
          span.updateName(route);
          span.setAttribute('http.route', route.split(' ')[1] ?? route);
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error)?.message ?? error) });
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'internal error' }));
        }
      })
      .finally(() => {
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
  };
}

/**
 * `fetch` inside a CLIENT span whose context travels in `traceparent`/`tracestate`. The span is named
 * `{method} {urlTemplate}` when a template is given (low cardinality), else `{method}`.
 */
export async function tracedFetch(
  tracer: Tracer,
  url: string,
  init: RequestInit = {},
  urlTemplate?: string,
  tail?: TailDecisions,
): Promise<Response> {
  const target = new URL(url);
  const method = init.method ?? 'GET';
  return tracer.startActiveSpan(
    urlTemplate ? `${method} ${urlTemplate}` : method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        'url.full': target.href,
        'server.address': target.hostname,
        'server.port': Number(target.port || 80),
        ...(urlTemplate ? { 'url.template': urlTemplate } : {}),
      },
    },
    async (span: Span) => {
      const headers = new Headers(init.headers);
      propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
      try {
        const response = await fetch(target, { ...init, headers });
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
        // A callee that kept the trace makes this service keep its part as well.
        followTraceresponse(tail, response.headers.get('traceresponse'), span.spanContext().traceId);
        return response;
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error)?.message ?? error) });
        wideEvent().increment('http.client.errors');
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
