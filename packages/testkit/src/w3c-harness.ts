/**
 * The wire side of the W3C cases (see w3c-cases.ts), as the W3C's own harness plays them: send a
 * case's headers, exactly as listed (repeats, odd casing and all), to a service; have the service
 * call back to a server here; read what each callback carried.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RawHeader, ReceivedHeaders } from './w3c-case.ts';

/** Sends one request with `headers` in order and as spelled (Node's raw-header form). */
export function sendRaw(
  url: string,
  options: { method?: string; headers: readonly RawHeader[]; body?: string },
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const raw: string[] = [['host', target.host], ...options.headers].flat();
  if (options.body !== undefined)
    raw.push('content-type', 'application/json', 'content-length', String(Buffer.byteLength(options.body)));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'POST',
        headers: raw,
        setHost: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A server that records the headers of every request, by a key taken from its path. */
export interface CallbackServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** The headers of the requests with `key`, in arrival order. */
  received(key: string): ReceivedHeaders[];
  /** Resolves once `key` has been called `count` times, or after `timeoutMs` with what came. */
  waitFor(key: string, count: number, timeoutMs?: number): Promise<ReceivedHeaders[]>;
  close(): Promise<void>;
}

/**
 * Starts the callback server; every request is answered with 200 and an empty JSON object. `keyOf`
 * names a request by its path; default: the first segment (`/<key>/…`).
 */
export async function startCallbackServer(
  keyOf: (path: string) => string = (path) => path.split('/')[1] ?? '',
): Promise<CallbackServer> {
  const seen = new Map<string, ReceivedHeaders[]>();
  const server: Server = createServer((req, res) => {
    const key = decodeURIComponent(keyOf(new URL(req.url ?? '/', 'http://callback').pathname));
    const list = seen.get(key) ?? [];
    // headersDistinct: a header sent twice stays two values, so "exactly one traceparent" is checkable.
    const headers: ReceivedHeaders = {};
    for (const [name, values] of Object.entries(req.headersDistinct))
      headers[name] = values && values.length === 1 ? values[0] : values;
    list.push(headers);
    seen.set(key, list);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const received = (key: string) => seen.get(key) ?? [];
  return {
    url,
    received,
    async waitFor(key, count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received(key).length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      return received(key);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
