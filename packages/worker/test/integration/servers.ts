/**
 * Local Node servers the integration tests start: a downstream service that records the headers it
 * receives, and an OTLP proxy in front of the real collector that can be told to hang or refuse.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLP_URL } from '@wideline/testkit';

export interface Downstream {
  url: string;
  seen: IncomingHttpHeaders[];
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startDownstream(): Promise<Downstream> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.end('downstream ok');
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, seen, close: () => close(server) };
}

export type CollectorMode = 'forward' | 'hang' | 'refuse';

export interface CollectorProxy {
  url: string;
  mode: CollectorMode;
  /** Export requests received in each mode. */
  received: Record<CollectorMode, number>;
  close(): Promise<void>;
}

/** Forwards OTLP requests to the real collector, or hangs them, or drops the connection. */
export async function startCollectorProxy(): Promise<CollectorProxy> {
  const target = new URL(OTLP_URL);
  const proxy: CollectorProxy = {
    url: '',
    mode: 'forward',
    received: { forward: 0, hang: 0, refuse: 0 },
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    proxy.received[proxy.mode]++;
    if (proxy.mode === 'hang') return; // never answers; the Worker's export must time out
    if (proxy.mode === 'refuse') {
      req.socket.destroy();
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const port = await listen(server);
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.close = () => close(server);
  return proxy;
}
