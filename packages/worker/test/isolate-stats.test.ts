import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resetIsolateRuntime } from '../src/config';
import { instrument, isolateStats, OutboxSpanExporter } from '../src/index';

// This file gets its own isolate, so the runtime can be given a collector that refuses everything
// (a OutboxSpanExporter whose transport answers 503, as a collector that is down behind a proxy does).
let posts = 0;
const exporter = new OutboxSpanExporter({
  url: 'https://collector.internal/v1/traces',
  delayMs: 0,
  onWarning: () => {},
  fetch: async () => {
    posts += 1;
    return new Response('unavailable', { status: 503 });
  },
});
const handler = instrument(
  { fetch: () => new Response('ok') },
  { serviceName: 'isolate-stats', exporter },
) as unknown as {
  fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response>;
};

beforeAll(() => resetIsolateRuntime());
afterAll(() => resetIsolateRuntime());

it('after 9 failed exports counts every span as dropped and none as exported', async () => {
  for (let i = 0; i < 9; i++) {
    const ctx = createExecutionContext();
    const response = await handler.fetch(new Request(`https://edge.test/r${i}`), env, ctx);
    await response.text();
    await waitOnExecutionContext(ctx);
  }
  // Each invocation's one span was posted, refused, retried once and refused again.
  expect(posts).toBe(18);
  const stats = isolateStats();
  expect(stats?.pipeline.export).toMatchObject({ spansExported: 0, spansDroppedExportFailed: 9, queued: 0 });
  expect(stats?.requests).toMatchObject({
    requestsSent: 0,
    requestsFailed: 18,
    requestsRetried: 9,
    spansSent: 0,
    spansDropped: 9,
  });
});
