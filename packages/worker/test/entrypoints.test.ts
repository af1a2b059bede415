import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { SpanStatusCode } from '@opentelemetry/api';
import { beforeEach, expect, it } from 'vitest';
import type { Env } from './fixtures/unit-worker';
import { PARENT_ID, parentId, reset, SpanKind, spans, TRACE_ID, TRACEPARENT, waitFor, worker } from './helpers';

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

it('continues the trace context a Wideline RPC caller appended, and hides it from the method', async () => {
  const api = (exports as unknown as { Api: { sum(...args: unknown[]): Promise<number> } }).Api;
  // What an instrumented service-binding stub appends to the caller's arguments.
  const envelope = { __wideline_trace_context__: { traceparent: TRACEPARENT } };
  expect(await api.sum(2, 3, envelope)).toBe(5);
  const span = await waitFor((all) => all.find((s) => s.name === 'ApiBase.sum'));
  expect(span.attributes['api.operands']).toBe(2);
  expect(span.spanContext().traceId).toBe(TRACE_ID);
  expect(parentId(span)).toBe(PARENT_ID);

  reset();
  // A malformed envelope is still removed, and starts a new trace.
  expect(await api.sum(4, { __wideline_trace_context__: { traceparent: '00-zz-bad-01' } })).toBe(4);
  const fresh = await waitFor((all) => all.find((s) => s.name === 'ApiBase.sum'));
  expect(fresh.attributes['api.operands']).toBe(1);
  expect(fresh.spanContext().traceId).not.toBe(TRACE_ID);
  expect(parentId(fresh)).toBeUndefined();
});
