import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resetIsolateRuntime } from '../src/config';
import { instrument, tailSampling } from '../src/index';

// This file gets its own isolate, so it can give the runtime a tail-sampling config.
const exporter = new InMemorySpanExporter();
const handler = instrument(
  {
    async fetch(request: Request) {
      const url = new URL(request.url);
      if (url.pathname === '/slow') await new Promise((resolve) => setTimeout(resolve, 400));
      if (url.pathname === '/callee-keeps') await (await fetch('https://allowed.test/keep')).text();
      return new Response('done', { status: url.pathname === '/fail' ? 500 : 200 });
    },
  },
  {
    serviceName: 'tail',
    exporter,
    propagateTo: ['allowed.test'],
    // A wide margin both ways: a cold first invocation on a loaded machine can take tens of ms.
    sampling: { tail: { probability: 0, slowMs: 250 } },
    features: [tailSampling()],
  },
) as unknown as { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> };

async function call(path: string): Promise<string | null> {
  const ctx = createExecutionContext();
  const response = await handler.fetch(new Request(`https://tail.test${path}`), env, ctx);
  await response.text();
  await waitOnExecutionContext(ctx);
  return response.headers.get('traceresponse');
}

beforeAll(() => resetIsolateRuntime());
afterAll(() => resetIsolateRuntime());

it('answers traceresponse with the tail decision: dropped fast units unsampled, slow and failed ones sampled', async () => {
  // New roots: the random-trace-id flag (02) is set either way; the sampled bit is the decision.
  const fast = await call('/fast');
  expect(fast).toMatch(/-02$/);
  expect(exporter.getFinishedSpans()).toHaveLength(0);

  const slow = await call('/slow');
  expect(slow).toMatch(/-03$/);
  const kept = exporter.getFinishedSpans();
  expect(kept).toHaveLength(1);
  expect(kept[0]?.attributes['wideline.sampling.reason']).toMatch(/forced|slow/);
  expect(slow).toContain(kept[0]?.spanContext().spanId);

  exporter.reset();
  await call('/fail');
  expect(exporter.getFinishedSpans()[0]?.attributes['wideline.sampling.reason']).toMatch(/forced|error/);
});

it('keeps a fast unit whose callee answered that it keeps the trace (traceresponse sampled)', async () => {
  exporter.reset();
  const answer = await call('/callee-keeps');
  const spans = exporter.getFinishedSpans();
  expect(spans.map((s) => s.name).sort()).toEqual(['GET', 'GET']);
  expect(spans.find((s) => s.kind === 1)?.attributes['wideline.sampling.reason']).toBe('forced');
  expect(answer).toMatch(/-03$/);
});
