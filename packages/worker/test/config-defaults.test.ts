import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, expect, it } from 'vitest';
import { currentIsolateRuntime, resetIsolateRuntime, type WorkerConfig } from '../src/config';
import { instrument } from '../src/index';

// This file gets its own isolate, so each test can build the runtime from other bindings.
async function resolvedWith(config: Omit<WorkerConfig, 'exporter'>, bindings: Record<string, unknown>) {
  await resetIsolateRuntime();
  const handler = instrument(
    { fetch: () => new Response('ok') },
    { ...config, exporter: new InMemorySpanExporter() },
  ) as unknown as { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> };
  const ctx = createExecutionContext();
  await (await handler.fetch(new Request('https://edge.test/'), bindings, ctx)).text();
  await waitOnExecutionContext(ctx);
  return currentIsolateRuntime()?.tracing.config;
}

afterEach(() => resetIsolateRuntime());

it('defaults the export timeout to 2 s, below the option and OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT', async () => {
  expect((await resolvedWith({}, {}))?.exportTimeoutMs).toBe(2000);
  expect((await resolvedWith({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '750' }))?.exportTimeoutMs).toBe(750);
  expect((await resolvedWith({}, { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '600' }))?.exportTimeoutMs).toBe(600);
  expect((await resolvedWith({ exportTimeoutMs: 300 }, { OTEL_EXPORTER_OTLP_TIMEOUT: '750' }))?.exportTimeoutMs).toBe(
    300,
  );
});

it('reads OTEL_* from the bindings, with the env option over them', async () => {
  const bindings = { OTEL_SERVICE_NAME: 'from-bindings', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.test' };
  expect(await resolvedWith({}, bindings)).toMatchObject({
    serviceName: 'from-bindings',
    tracesEndpoint: 'https://collector.test/v1/traces',
  });
  expect(await resolvedWith({ env: { OTEL_SERVICE_NAME: 'from-option' } }, bindings)).toMatchObject({
    serviceName: 'from-option',
    tracesEndpoint: 'https://collector.test/v1/traces',
  });
});

it('arms no batch timer (each invocation flushes its own spans) unless batch.scheduledDelayMs asks for one', async () => {
  expect((await resolvedWith({}, {}))?.batch).toEqual({ scheduledDelayMs: Number.POSITIVE_INFINITY });
  expect((await resolvedWith({ batch: { maxQueueSize: 64 } }, {}))?.batch).toEqual({
    scheduledDelayMs: Number.POSITIVE_INFINITY,
    maxQueueSize: 64,
  });
  expect((await resolvedWith({ batch: { scheduledDelayMs: 500 } }, {}))?.batch).toEqual({ scheduledDelayMs: 500 });
});
