/**
 * The one HTTP request the Jaeger client makes — a GET of JSON — over `node:http`. Not the global
 * `fetch`: Node loads fetch's implementation (undici, bundled JavaScript compiled on first use) the
 * first time anything touches `fetch` or `Response`, which costs a fresh `wideline trace` process more
 * than reading and parsing the rest of its modules (bench/query, trace.mjs).
 *
 * @module
 */

/** What the Jaeger client reads of an HTTP answer. The body is read once and kept. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  bytes(): Promise<Buffer>;
  text(): Promise<string>;
}

/** A GET that may fail with a network error (rejects) or answer with any status (resolves). */
export type HttpGet = (
  url: string,
  options: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<HttpAnswer>;

function answer(status: number, statusText: string, body: Buffer): HttpAnswer {
  return { status, statusText, bytes: async () => body, text: async () => body.toString('utf8') };
}

/** GET over `node:http` / `node:https`. Network errors keep Node's `code` (`ECONNREFUSED`, `ENOTFOUND`). */
export const nodeHttpGet: HttpGet = async (url, { headers, signal }) => {
  // Not `import('node:http')`: an ES module namespace of `node:http` reads every export, and its
  // `WebSocket` / `MessageEvent` / `CloseEvent` getters load undici — the cost this module avoids.
  const { request } = url.startsWith('https:')
    ? process.getBuiltinModule('node:https')
    : process.getBuiltinModule('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(answer(res.statusCode ?? 0, res.statusMessage ?? '', Buffer.concat(chunks))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
};

/** A `fetch` (injected by tests or a caller) as an {@link HttpGet}. */
export function fromFetch(fetchImpl: typeof fetch): HttpGet {
  return async (url, { headers, signal }) => {
    const res = await fetchImpl(url, { headers, signal });
    return answer(res.status, res.statusText, Buffer.from(await res.arrayBuffer()));
  };
}
