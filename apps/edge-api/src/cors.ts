/**
 * CORS for a traced API. The browser SDK adds `traceparent` and `tracestate` (and `baggage` when the
 * app sets any) to requests for origins in its `propagateTo`, which makes them non-simple: the
 * browser asks first (preflight), and the API must allow those headers or the request never leaves
 * the page. Exposing `traceresponse` lets the page read the server's trace decision.
 */

/**
 * Request headers a traced page may send besides the app's own: W3C Trace Context and Baggage, and
 * `sentry-trace` when the browser SDK runs with `sentryHeaders: true`.
 */
export const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage', 'sentry-trace'];

/** The CORS headers for `request`, or none when its origin is not allowed. */
export function corsHeaders(request: Request, allowedOrigins: string): Record<string, string> {
  const origin = request.headers.get('origin');
  const allowed = allowedOrigins
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (!origin || !(allowed.includes(origin) || allowed.includes('*'))) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': ['content-type', ...TRACE_HEADERS].join(', '),
    'access-control-expose-headers': 'traceresponse',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}

/** `response` with `headers` added (responses from `fetch` are immutable, so this copies). */
export function withHeaders(response: Response, headers: Record<string, string>): Response {
  if (Object.keys(headers).length === 0 || response.status === 101) return response;
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
  return copy;
}
