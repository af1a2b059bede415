/**
 * Serves the built web app (`apps/web/dist`) and writes its runtime configuration into `/config.js`,
 * so that one build works against any edge API port.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

export function serveWeb(root: string, port: number, config: Record<string, string>): Promise<WebServer> {
  const configJs = `window.__WIDELINE_DEMO__ = ${JSON.stringify(config)};\n`;
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/config.js') {
      res.writeHead(200, { 'content-type': TYPES['.js'] as string, 'cache-control': 'no-store' });
      res.end(configJs);
      return;
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      // A single-page app: unknown paths get the page.
      const body = await readFile(join(root, 'index.html')).catch(() => undefined);
      if (body) res.writeHead(200, { 'content-type': TYPES['.html'] as string }).end(body);
      else res.writeHead(404).end('not built: run `pnpm --filter @wideline/app-web build`');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // `localhost` origin: the collector's CORS allows http://localhost:*.
    server.listen(port, '127.0.0.1', () =>
      resolve({
        url: `http://localhost:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    );
  });
}
