import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromiumLaunchOptions, eventOf, requireStack, waitForEnvelope, waitForTrace } from '@wideline/testkit';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labelledBlock, pageModule, writeAppFile } from '../src/page-files';

// docs/browser.md's page as printed (index.html and src/main.tsx), installed from the tarballs, built
// with the app's own Vite and opened in Chromium. The API it calls (localhost:8787) is answered by the
// test through Playwright's routing, which reads the headers the page sent: 503, so the click fails.
const { apps } = inject('packed');
const app = apps.browser;
const API = 'http://localhost:8787';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(dir, path === '/' ? 'index.html' : path));
      res.setHeader('content-type', TYPES[extname(path) || '.html'] ?? 'application/octet-stream');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("docs/browser.md's page, installed from the tarballs, built with Vite, in Chromium", () => {
  let browser: Browser;
  let page: Page;
  let site: { url: string; server: Server };
  const apiCalls: Array<Record<string, string>> = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await requireStack();
    writeAppFile(app.dir, 'index.html', labelledBlock('docs/browser.md', 'index.html').code);
    writeAppFile(app.dir, 'src/main.tsx', pageModule('docs/browser.md', ['tsx'], 'createRoot').code);
    execFileSync(process.execPath, [join(app.dir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
      cwd: app.dir,
      stdio: 'pipe',
    });
    site = await serve(join(app.dir, 'dist'));
    browser = await chromium.launch(chromiumLaunchOptions());
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.route(`${API}/**`, async (route) => {
      const cors = {
        'access-control-allow-origin': site.url,
        'access-control-allow-headers': 'traceparent, tracestate, content-type',
        'access-control-allow-methods': 'POST, OPTIONS',
      };
      if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
      apiCalls.push(await route.request().allHeaders());
      return route.fulfill({ status: 503, headers: cors, body: 'unavailable' });
    });
    await page.goto(site.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    site?.server.close();
  });

  it('sends the click’s trace to the API, exports the click to Jaeger, and the failure to Sentry with that trace id', async () => {
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => apiCalls.length, { timeout: 10_000 }).toBe(1);
    const traceparent = apiCalls[0]?.traceparent ?? '';
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
    const [, traceId = '', , flags = '00'] = traceparent.split('-');
    expect(Number.parseInt(flags, 16) & 1).toBe(1); // sampled (the random-trace-id bit may be set too)

    const envelope = await waitForEnvelope((e) => {
      const event = eventOf(e) as { contexts?: { trace?: { trace_id?: string } } } | undefined;
      return event?.contexts?.trace?.trace_id === traceId;
    });
    const event = eventOf(envelope) as { exception?: { values?: Array<{ value?: string }> } };
    expect(event.exception?.values?.at(-1)?.value).toBe('order failed: 503');

    const spans = await waitForTrace(traceId, 2);
    const click = spans.find((s) => s.name.startsWith('click'));
    // Named by the HTTP semantic conventions: the method alone, since the page gives no URL template.
    const request = spans.find((s) => s.name === 'POST' && s.service === 'web');
    expect(click?.service).toBe('web');
    expect(click?.parentSpanId).toBeUndefined(); // the interaction is the trace's root
    expect(request?.parentSpanId).toBe(click?.spanId);
    expect(request?.attributes['http.response.status_code']).toBe(503);
    expect(traceparent.split('-')[2]).toBe(request?.spanId); // the callee's parent, read on its side
    expect(pageErrors.filter((m) => !m.includes('order failed'))).toEqual([]);
  });
});
