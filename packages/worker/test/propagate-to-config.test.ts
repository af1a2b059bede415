import { createExecutionContext, env } from 'cloudflare:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { WidelineConfigError } from '@wideline/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resetIsolateRuntime } from '../src/config';
import { instrument } from '../src/index';

// This file gets its own isolate, so its first invocation builds the runtime from a broken config.
const handler = instrument(
  { fetch: () => new Response('ok') },
  { serviceName: 'bad-targets', exporter: new InMemorySpanExporter(), propagateTo: ['api.example.com/v1'] },
) as unknown as { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> };

beforeAll(() => resetIsolateRuntime());
afterAll(() => resetIsolateRuntime());

it('throws a WidelineConfigError naming the bad propagateTo entry on the first invocation', async () => {
  // The handler may throw synchronously or reject; either way the invocation fails loudly.
  const call = async () => handler.fetch(new Request('https://edge.test/'), env, createExecutionContext());
  await expect(call()).rejects.toBeInstanceOf(WidelineConfigError);
  await expect(call()).rejects.toThrow(
    /^propagateTo\[0\]: "api\.example\.com\/v1" has a path but no scheme.*Fix: write 'https:\/\/api\.example\.com\/v1'/,
  );
});
