/**
 * The test site: serves pages and the SDK bundles, records what each request carried, proxies OTLP
 * to the real Jaeger while counting span ids (to prove "sent once"), and runs a WebSocket endpoint
 * that records messages and answers with the Wideline field, as the Worker helper does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLP_URL } from '@wideline/testkit';
import { WebSocketServer } from 'ws';

export interface SeenRequest {
  path: string;
  host: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body of a POST (what a page reports with `sendBeacon`). */
  body?: string;
}

export interface TestSite {
  port: number;
  close(): Promise<void>;
}

/** How the site's OTLP proxy behaves: forwarding, down (the connection is reset) or hanging (no answer). */
export type CollectorMode = 'up' | 'down' | 'hang';

/** A span that crossed the proxy, with its string, int and bool attributes. */
export interface ProxiedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, unknown>;
}

interface State {
  requests: Map<string, SeenRequest[]>;
  otlpSpans: Map<string, number>;
  otlpNames: ProxiedSpan[];
  otlpMode: CollectorMode;
  /** Requests held while hanging; reset when the mode changes. */
  held: ServerResponse[];
  wsMessages: Array<Record<string, unknown>>;
}

const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const html = (cfg: Record<string, unknown>, script: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>wideline test</title>
${typeof cfg.traceparent === 'string' ? `<meta name="traceparent" content="${attribute(cfg.traceparent)}">` : ''}
${typeof cfg.tracestate === 'string' ? `<meta name="tracestate" content="${attribute(cfg.tracestate)}">` : ''}
<script>window.__cfg = ${JSON.stringify(cfg)};</script>
<script type="module" src="/${script}"></script></head>
<body><div id="root"></div>
<button id="buy">Buy</button><button id="leave">Leave</button><button id="ws">Send</button><button id="work">Work</button><button id="nav">Checkout</button><button id="slow">Slow</button>
<img src="/pixel.gif" alt=""></body></html>`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function cors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
  // The CORS recipe: the API names the trace headers the page's allowlist sends it.
  res.setHeader('access-control-allow-headers', 'traceparent, tracestate, sentry-trace, baggage, content-type');
  res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
}

type OtlpSpan = {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: string | number; boolValue?: boolean } }>;
};

async function recordOtlp(state: State, body: string): Promise<void> {
  const parsed = JSON.parse(body) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }> };
  for (const rs of parsed.resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? [])
      for (const span of ss.spans ?? []) {
        state.otlpSpans.set(span.spanId, (state.otlpSpans.get(span.spanId) ?? 0) + 1);
        const attributes: Record<string, unknown> = {};
        for (const { key, value } of span.attributes ?? [])
          attributes[key] =
            value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.boolValue);
        const { name, traceId, spanId } = span;
        state.otlpNames.push({ name, traceId, spanId, parentSpanId: span.parentSpanId ?? '', attributes });
      }
}

/** The OTLP proxy: counts what it forwards to Jaeger; down resets the connection, hang never answers. */
async function proxyOtlp(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (state.otlpMode === 'down') {
    req.socket.destroy();
    return;
  }
  if (state.otlpMode === 'hang') {
    state.held.push(res);
    return;
  }
  await recordOtlp(state, body);
  const upstream = await fetch(`${OTLP_URL}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  cors(req, res);
  res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
}

/** Page paths and the bundle each loads. */
const PAGES: Record<string, string> = {
  '/page': 'app.js',
  '/react': 'react-app.js',
  '/w3c': 'w3c-app.js',
  '/parenting': 'parenting-app.js',
  '/errors': 'errors-app.js',
  '/vitals': 'vitals-app.js',
};

async function handle(state: State, bundles: Map<string, string>, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
  const id = url.searchParams.get('id') ?? '';
  if (req.method === 'OPTIONS') {
    cors(req, res);
    res.writeHead(204).end();
    return;
  }
  // `/apiary` too: a path a URL-prefix target `…/api` must not match, read on the callee's side.
  if (url.pathname.startsWith('/api/') || url.pathname === '/apiary') {
    const list = state.requests.get(id) ?? [];
    list.push({
      path: url.pathname,
      host: String(req.headers.host),
      method: req.method ?? 'GET',
      headers: req.headers,
      ...(req.method === 'POST' ? { body: await readBody(req) } : {}),
    });
    state.requests.set(id, list);
    // A slow backend: the page may be gone before the answer.
    if (url.pathname === '/api/slow') await new Promise((r) => setTimeout(r, Number(url.searchParams.get('ms'))));
    cors(req, res);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  if (url.pathname === '/otlp/v1/traces') {
    await proxyOtlp(state, req, res);
    return;
  }
  if (url.pathname === '/_otlp/mode') {
    state.otlpMode = (url.searchParams.get('m') ?? 'up') as CollectorMode;
    // Held requests die as a collector's would when it is restarted: reset, never forwarded.
    for (const held of state.held.splice(0)) held.socket?.destroy();
    res.writeHead(204).end();
    return;
  }
  if (url.pathname === '/_seen') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.requests.get(id) ?? []));
    return;
  }
  if (url.pathname === '/_otlp') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ counts: Object.fromEntries(state.otlpSpans), spans: state.otlpNames }));
    return;
  }
  if (url.pathname === '/_ws') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.wsMessages));
    return;
  }
  const page = PAGES[url.pathname];
  if (page) {
    const cfg = JSON.parse(url.searchParams.get('cfg') ?? '{}') as Record<string, unknown>;
    res.writeHead(200, { 'content-type': 'text/html' }).end(html(cfg, page));
    return;
  }
  const bundle = bundles.get(url.pathname.slice(1));
  if (bundle !== undefined) {
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    return;
  }
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  if (url.pathname === '/pixel.gif') {
    res.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
    return;
  }
  res.writeHead(404).end();
}

/** Starts the site on an ephemeral port (reachable as localhost, 127.0.0.1 and [::1]: three origins). */
export async function startSite(bundles: Map<string, string>): Promise<TestSite> {
  const state: State = {
    requests: new Map(),
    otlpSpans: new Map(),
    otlpNames: [],
    otlpMode: 'up',
    held: [],
    wsMessages: [],
  };
  const server: Server = createServer((req, res) => {
    handle(state, bundles, req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown> & { wideline?: Record<string, string> };
      state.wsMessages.push(message);
      const incoming = message.wideline?.traceparent?.split('-');
      // The server side of the convention: reply in the same trace, same correlation id.
      const reply = {
        type: 'ack',
        wideline: {
          traceparent: incoming ? `00-${incoming[1]}-${'ab'.repeat(8)}-01` : undefined,
          correlationId: message.wideline?.correlationId,
        },
      };
      socket.send(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
