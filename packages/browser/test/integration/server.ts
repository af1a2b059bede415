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
}

export interface TestSite {
  port: number;
  close(): Promise<void>;
}

interface State {
  requests: Map<string, SeenRequest[]>;
  otlpSpans: Map<string, number>;
  otlpNames: Array<{ name: string; traceId: string; spanId: string }>;
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
<button id="buy">Buy</button><button id="leave">Leave</button><button id="ws">Send</button><button id="work">Work</button><button id="nav">Checkout</button>
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

async function recordOtlp(state: State, body: string): Promise<void> {
  const parsed = JSON.parse(body) as {
    resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<{ name: string; traceId: string; spanId: string }> }> }>;
  };
  for (const rs of parsed.resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? [])
      for (const span of ss.spans ?? []) {
        state.otlpSpans.set(span.spanId, (state.otlpSpans.get(span.spanId) ?? 0) + 1);
        state.otlpNames.push({ name: span.name, traceId: span.traceId, spanId: span.spanId });
      }
}

/** Page paths and the bundle each loads. */
const PAGES: Record<string, string> = {
  '/page': 'app.js',
  '/react': 'react-app.js',
  '/w3c': 'w3c-app.js',
  '/parenting': 'parenting-app.js',
  '/errors': 'errors-app.js',
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
    });
    state.requests.set(id, list);
    cors(req, res);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  if (url.pathname === '/otlp/v1/traces') {
    const body = await readBody(req);
    await recordOtlp(state, body);
    const upstream = await fetch(`${OTLP_URL}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
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
  const state: State = { requests: new Map(), otlpSpans: new Map(), otlpNames: [], wsMessages: [] };
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
