import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { trace } from '@opentelemetry/api';
import { expect, it } from 'vitest';
import type { Env } from './fixtures/unit-worker';
import { SpanKind, spans, worker } from './helpers';

// Its own file, so its own isolate: the global fetch is replaced before Wideline wraps it.
it('a fetch wrapper installed before Wideline (another SDK) runs with the CLIENT span active', async () => {
  const runtimeFetch = globalThis.fetch;
  const activeInWrapper: (string | undefined)[] = [];
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    activeInWrapper.push(trace.getActiveSpan()?.spanContext().spanId);
    return runtimeFetch(input, init);
  }) as typeof fetch;
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request('https://edge.test/outgoing'), env as Env, ctx);
  await response.text();
  await waitOnExecutionContext(ctx);
  const viaGlobalFetch = spans().filter(
    (s) => s.kind === SpanKind.CLIENT && s.attributes['server.address'] !== 'greeter',
  );
  expect(viaGlobalFetch).toHaveLength(3);
  expect(activeInWrapper).toEqual(viaGlobalFetch.map((s) => s.spanContext().spanId));
});
