import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resetIsolateRuntime } from '../src/config';
import { instrument, isolateStats, OutboxSpanExporter } from '../src/index';

// This file gets its own isolate, so it can give the runtime an exporter of its own: a
// OutboxSpanExporter whose transport stands in for a service binding to a collector Worker.
const posts: string[] = [];
const exporter = new OutboxSpanExporter({
  url: 'https://collector.internal/v1/traces',
  delayMs: 0,
  fetch: async (_url, init) => {
    posts.push(new TextDecoder().decode(init.body as Uint8Array));
    return new Response('{}');
  },
});
const handler = instrument(
  { fetch: () => new Response('ok') },
  { serviceName: 'own-exporter', exporter },
) as unknown as {
  fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response>;
};

beforeAll(() => resetIsolateRuntime());
afterAll(() => resetIsolateRuntime());

it('sends through a OutboxSpanExporter given as the exporter, from the invocation itself', async () => {
  const ctx = createExecutionContext();
  const response = await handler.fetch(new Request('https://edge.test/own'), env, ctx);
  await response.text();
  await waitOnExecutionContext(ctx);
  expect(posts).toHaveLength(1);
  expect(posts[0]).toContain('"own-exporter"');
  expect(exporter.stats()).toMatchObject({ requestsSent: 1, requestsFailed: 0, spansSent: 1, spansWaiting: 0 });
  expect(isolateStats()?.pipeline.export).toMatchObject({ spansExported: 1, spansDroppedExportFailed: 0, queued: 0 });
});
