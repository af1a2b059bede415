/**
 * `fetch` CLIENT spans and header propagation. The patch adds headers only for allowed URLs and only
 * when the caller did not set them; a `Request` object is re-created with the merged headers so its
 * body and options survive.
 *
 * @internal
 * @module
 */
import { type ClientRequest, type HttpInstrumentationDeps, startClientRequest } from './client-span';

type Fetch = typeof fetch;

function describe(input: RequestInfo | URL, init: RequestInit | undefined): { method: string; url: string } {
  const request = typeof input === 'string' || input instanceof URL ? undefined : input;
  return { method: init?.method ?? request?.method ?? 'GET', url: request ? request.url : String(input) };
}

function withHeaders(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  extra: Record<string, string>,
): [RequestInfo | URL, RequestInit | undefined] {
  if (Object.keys(extra).length === 0) return [input, init];
  const base = init?.headers ?? (input instanceof Request ? input.headers : undefined);
  const headers = new Headers(base);
  for (const [name, value] of Object.entries(extra)) if (!headers.has(name)) headers.set(name, value);
  if (input instanceof Request && init === undefined) return [new Request(input, { headers }), undefined];
  return [input, { ...init, headers }];
}

/** Patches `globalThis.fetch`; returns the function that restores it. */
export function instrumentFetch(deps: HttpInstrumentationDeps): () => void {
  const original: Fetch | undefined = globalThis.fetch;
  if (typeof original !== 'function') return () => undefined;
  const traced = function fetch(this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let request: ClientRequest | undefined;
    let args: [RequestInfo | URL, RequestInit | undefined] = [input, init];
    try {
      const { method, url } = describe(input, init);
      request = startClientRequest(deps, method, url);
      if (request) args = withHeaders(input, init, request.headers);
    } catch {
      // Tracing must never stop the request itself (args change only once the headers are merged).
    }
    // Called bare (`fetch(url)`), the original runs on the global object, as the browser's own does.
    const promise = original.apply(this ?? globalThis, args);
    if (!request) return promise;
    return promise.then(
      (response) => {
        request.finish(response.status);
        return response;
      },
      (error: unknown) => {
        request.finish(undefined, error);
        throw error;
      },
    );
  } as Fetch;
  // The OTel exporters look for `__original` to bypass instrumentations; keep that contract.
  Object.defineProperty(traced, '__original', { value: original });
  globalThis.fetch = traced;
  return () => {
    if (globalThis.fetch === traced) globalThis.fetch = original;
  };
}
