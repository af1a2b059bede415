import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { WidelineConfigError } from '@wideline/core';
import { afterEach, expect, it } from 'vitest';
import { currentIsolateRuntime, resetIsolateRuntime, type WorkerConfig } from '../src/config';
import { instrument, tailSampling, wideEventLog } from '../src/index';

// This file gets its own isolate, so each test can build the runtime from another config.
async function call(config: Omit<WorkerConfig, 'exporter'>, exporter = new InMemorySpanExporter()) {
  await resetIsolateRuntime();
  const handler = instrument(
    { fetch: () => new Response('ok', { headers: { 'x-user': 'ada' } }) },
    { serviceName: 'features', ...config, exporter },
  ) as unknown as { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> };
  const ctx = createExecutionContext();
  const response = await handler.fetch(new Request('https://edge.test/?token=secret'), env, ctx);
  await response.text();
  await waitOnExecutionContext(ctx);
  return response;
}

afterEach(() => resetIsolateRuntime());

it('fails the first invocation when sampling.tail or wideEventLog is set without its feature', async () => {
  await expect(call({ sampling: { tail: { slowMs: 10 } } })).rejects.toBeInstanceOf(WidelineConfigError);
  await expect(call({ sampling: { tail: {} } })).rejects.toThrow(
    /^sampling\.tail: the tailSampling feature is not in this Worker\. Fix: import \{ tailSampling \} from '@wideline\/worker' and add features: \[tailSampling\(\)\]/,
  );
  await expect(call({ wideEventLog: () => {} })).rejects.toThrow(/^wideEventLog: the wideEventLog feature is not/);
  // Off is off, with or without the feature.
  await expect(call({ sampling: { tail: false }, wideEventLog: false })).resolves.toBeInstanceOf(Response);
});

it('runs no tail sampler and writes no wide-event lines without the features', async () => {
  const exporter = new InMemorySpanExporter();
  await call({}, exporter);
  expect(currentIsolateRuntime()?.tracing.tailSampler).toBeUndefined();
  expect(exporter.getFinishedSpans()).toHaveLength(1);
});

it('tail-samples with core defaults when the feature is given and sampling.tail is not', async () => {
  const exporter = new InMemorySpanExporter();
  const response = await call({ features: [tailSampling()] }, exporter);
  const tail = currentIsolateRuntime()?.tracing.tailSampler;
  expect(tail).toBeDefined();
  // A fast, successful unit is kept only by the 10 % probability; the traceresponse says which.
  const kept = exporter.getFinishedSpans().length === 1;
  expect(response.headers.get('traceresponse')).toMatch(kept ? /-03$/ : /-02$/);
  await call({ features: [tailSampling()], sampling: { tail: false } });
  expect(currentIsolateRuntime()?.tracing.tailSampler).toBeUndefined();
});

it('writes one redacted JSON line per unit with the wideEventLog feature, to the option’s sink', async () => {
  const lines: string[] = [];
  await call({ features: [wideEventLog()], wideEventLog: (line) => lines.push(line) });
  expect(lines).toHaveLength(1);
  const record = JSON.parse(lines[0] as string);
  expect(record).toMatchObject({ _event: 'GET', service: 'features', 'url.path': '/' });
  expect(lines[0]).not.toContain('secret');
  lines.length = 0;
  await call({ features: [wideEventLog()], wideEventLog: false });
  expect(lines).toHaveLength(0);
});
