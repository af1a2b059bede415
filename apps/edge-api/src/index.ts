/**
 * The edge API, a Cloudflare Worker:
 *
 * - `POST /api/orders` — takes an order from the web page and hands it to the jobs service over HTTP
 *   (a Worker cannot speak Redis); the trace continues from the page's click through this Worker to
 *   the jobs service.
 * - `GET /api/orders/:id/ws` — the order's live status, a WebSocket held by its Durable Object.
 * - `POST /internal/orders/:id/status` — the jobs service pushes status here; the Durable Object
 *   broadcasts it.
 *
 * Wideline traces every invocation (`instrument`, `instrumentDO`); `@sentry/cloudflare` reports
 * errors, stamped with the Wideline trace id by `widelineSentry()`. Wideline is outermost: a thrown
 * error reaches Sentry first, then Wideline answers the 500 with `traceresponse`.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import * as Sentry from '@sentry/cloudflare';
import { wideEvent } from '@wideline/core';
import { instrument, instrumentDO, isolateStats, type WorkerConfig, widelineSentryOptions } from '@wideline/worker';
import { corsHeaders, withHeaders } from './cors';
import type { Env } from './env';
import { OrderStatusBase } from './order-status';

const FAILURE_POINTS = new Set(['reserve', 'charge', 'ship', 'release-stock', 'refund']);
/** The jobs service answers in milliseconds, or with a 503 within ~2 s when Redis hangs. */
const JOBS_TIMEOUT_MS = 5000;

/** A 503 the page can retry, marked on the request's span. */
function unavailable(message: string, retryAfterSeconds: number): Response {
  trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message });
  return Response.json(
    { error: message },
    { status: 503, headers: { 'retry-after': String(Math.max(1, retryAfterSeconds || 1)) } },
  );
}

/** Wideline's config for the Worker and the Durable Object (one provider per isolate). */
const tracing = (env: Env): WorkerConfig => ({
  serviceName: 'edge-api',
  // Only the jobs service gets our trace headers; other hosts see clean requests.
  propagateTo: [new URL(env.JOBS_URL).hostname],
});

async function placeOrder(request: Request, env: Env): Promise<Response> {
  const body = (await request.json().catch(() => ({}))) as { failAt?: unknown; items?: unknown };
  const failAt = typeof body.failAt === 'string' && FAILURE_POINTS.has(body.failAt) ? body.failAt : undefined;
  const items = typeof body.items === 'number' && Number.isInteger(body.items) && body.items > 0 ? body.items : 1;
  const orderId = crypto.randomUUID().slice(0, 8);
  wideEvent().setAll({ 'order.id': orderId, 'order.fail_at': failAt ?? '', 'order.items': items });
  let jobs: Response;
  try {
    jobs = await fetch(`${env.JOBS_URL}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId, items, ...(failAt ? { failAt } : {}) }),
      // The jobs service answers at once or with a fast 503; a hung one must not hold the page.
      signal: AbortSignal.timeout(JOBS_TIMEOUT_MS),
    });
  } catch (error) {
    wideEvent().set('jobs.unreachable', true);
    return unavailable(`the jobs service did not answer: ${(error as Error).message}`, 1);
  }
  if (jobs.status !== 202) {
    wideEvent().set('jobs.status', jobs.status);
    const detail = ((await jobs.json().catch(() => ({}))) as { error?: unknown }).error;
    // The queue is down for a moment: say so, and when to try again, rather than a bare 502.
    if (jobs.status === 503)
      return unavailable(
        String(detail ?? 'the order queue is unavailable'),
        Number(jobs.headers.get('retry-after') ?? 1),
      );
    return Response.json({ error: `jobs service answered ${jobs.status}` }, { status: 502 });
  }
  return Response.json({ orderId, statusUrl: `/api/orders/${orderId}/ws` }, { status: 202 });
}

/** Routes are named on the request's span (the Worker SDK names it after the method only). */
function nameRoute(method: string, route: string): void {
  const span = trace.getActiveSpan();
  span?.updateName(`${method} ${route}`);
  span?.setAttribute('http.route', route);
}

/** Forwards `request` to the order's Durable Object; the traced stub continues this request's trace. */
function toOrder(env: Env, orderId: string, request: Request): Promise<Response> {
  return env.ORDER_STATUS.get(env.ORDER_STATUS.idFromName(orderId)).fetch(request);
}

const handler = {
  async fetch(request: Request, env: Env): Promise<Response> {
    const cors = corsHeaders(request, env.ALLOWED_ORIGINS);
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    const url = new URL(request.url);
    const [, scope, resource, orderId, action] = url.pathname.split('/');
    let response: Response;
    if (request.method === 'POST' && url.pathname === '/api/orders') {
      nameRoute('POST', '/api/orders');
      response = await placeOrder(request, env);
    } else if (scope === 'api' && resource === 'orders' && orderId && action === 'ws') {
      if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
        return new Response('expected a WebSocket upgrade', { status: 426 });
      nameRoute('GET', '/api/orders/:id/ws');
      return toOrder(env, orderId, request);
    } else if (scope === 'internal' && resource === 'orders' && orderId && action === 'status') {
      nameRoute('POST', '/internal/orders/:id/status');
      response = await toOrder(env, orderId, request);
    } else if (scope === 'api' && resource === 'orders' && orderId && !action) {
      nameRoute('GET', '/api/orders/:id');
      response = await toOrder(env, orderId, new Request(request.url));
    } else if (request.method === 'GET' && url.pathname === '/internal/telemetry') {
      // The export pipeline's counters (spans exported, dropped and why): what a fault run compares
      // with what reached Jaeger.
      response = Response.json(isolateStats() ?? null);
    } else if (url.pathname === '/health') {
      response = new Response('ok');
    } else {
      response = Response.json({ error: 'not found' }, { status: 404 });
    }
    return withHeaders(response, cors);
  },
} satisfies ExportedHandler<Env>;

export default instrument(
  Sentry.withSentry(
    (env: Env) => ({
      dsn: env.SENTRY_DSN,
      // Sentry's Fetch integration off (Wideline traces fetch), Wideline's stamp on, no Sentry trace headers.
      ...widelineSentryOptions(),
    }),
    handler,
  ),
  tracing,
);

/** The Durable Object class, under the name `wrangler.jsonc` binds. */
export const OrderStatus = instrumentDO(OrderStatusBase, tracing, { name: 'OrderStatus' });
