import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { SpanStatusCode } from '@opentelemetry/api';
import { beforeEach, expect, it } from 'vitest';
import type { Env } from './fixtures/unit-worker';
import { reset, SpanKind, spans, waitFor, worker } from './helpers';

beforeEach(() => reset());

it('traces a cron trigger as one unit with its schedule', async () => {
  const controller = createScheduledController({ cron: '*/5 * * * *', scheduledTime: Date.UTC(2026, 0, 1) });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env as Env, ctx);
  await waitOnExecutionContext(ctx);
  const [span] = spans();
  expect(span?.name).toBe('scheduled */5 * * * *');
  expect(span?.attributes).toMatchObject({
    'faas.trigger': 'timer',
    'faas.cron': '*/5 * * * *',
    'faas.time': '2026-01-01T00:00:00.000Z',
    'cron.seen': '*/5 * * * *',
  });
});

it('traces WorkerEntrypoint RPC methods as SERVER units', async () => {
  const api = (exports as unknown as { Api: { sum(a: number, b: number): Promise<number> } }).Api;
  expect(await api.sum(2, 3)).toBe(5);
  const span = await waitFor((all) => all.find((s) => s.name === 'ApiBase.sum'));
  expect(span.kind).toBe(SpanKind.SERVER);
  expect(span.attributes).toMatchObject({
    'rpc.system': 'cloudflare_worker_entrypoint',
    'rpc.method': 'sum',
    'api.operands': 2,
  });
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
});
