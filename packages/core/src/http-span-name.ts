/**
 * HTTP span names by the semantic conventions: `{method} {target}` when a low-cardinality target is
 * known (`http.route` on a server, `url.template` on a client), else `{method}`; a method outside the
 * well-known set is named `HTTP`, so that a client sending arbitrary methods cannot grow the names.
 * Never the raw path: `/api/orders/8f3a…` would make one operation per order in Jaeger's list.
 *
 * @example
 * httpSpanName('get'); // 'GET'
 * httpSpanName('GET', '/api/orders/{id}'); // 'GET /api/orders/{id}'
 * httpSpanName('PURGE'); // 'HTTP'
 * @module
 */

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/** The span name for an HTTP request with `method` and, when known, its route or URL template. */
export function httpSpanName(method: string, target?: string): string {
  const upper = method.toUpperCase();
  const name = KNOWN_METHODS.has(upper) ? upper : 'HTTP';
  return target ? `${name} ${target}` : name;
}
