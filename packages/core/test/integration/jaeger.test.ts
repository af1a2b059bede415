import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { requireStack, waitForTrace } from '@wideline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracing, type WidelineOptions, type WidelineTracing, wideEvent } from '../../src/index';
import { createNodeTracing } from '../../src/node';
import { REDACTED } from '../../src/sdk';

// Both Node exporters: createTracing's default (fetch, core's OTLP/JSON encoder) and
// createNodeTracing's (OpenTelemetry's OTLPTraceExporter and its serializer).
const setups = [
  {
    name: 'createTracing (FetchSpanExporter)',
    create: (options: WidelineOptions) =>
      createTracing({ ...options, env: process.env, contextManager: new AsyncLocalStorageContextManager() }),
  },
  { name: 'createNodeTracing (OTLPTraceExporter)', create: createNodeTracing },
];

describe.each(setups)('a Node process tracing through @wideline/core into the real Jaeger: $name', ({ create }) => {
  let tracing: WidelineTracing;
  const serviceName = `core-int-${process.pid}-${create.name}`;

  beforeAll(async () => {
    await requireStack();
    tracing = create({ serviceName, serviceVersion: '0.0.0-test', batch: { scheduledDelayMs: 50 } });
  });

  afterAll(async () => {
    await tracing?.shutdown();
    context.disable();
  });

  it('arrives with the right parent/child structure, wide-event fields on the root, secrets redacted', async () => {
    const traceId = await tracing.tracer.startActiveSpan('POST /orders', { kind: SpanKind.SERVER }, async (root) => {
      root.setAttribute('http.request.header.authorization', 'Bearer live-secret-token');
      await tracing.tracer.startActiveSpan('reserve stock', async (reserve) => {
        await tracing.tracer.startActiveSpan('db.query', { kind: SpanKind.CLIENT }, async (query) => {
          wideEvent().set('order.id', 'o-42').increment('db.queries');
          query.end();
        });
        reserve.end();
      });
      await tracing.tracer.startActiveSpan('charge', async (charge) => {
        charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
        wideEvent().increment('db.queries').countBy('payment.attempts_by_method', 'card');
        charge.end();
      });
      root.end();
      return root.spanContext().traceId;
    });
    await tracing.forceFlush();
    expect(tracing.stats().export.spansExported).toBeGreaterThanOrEqual(4);

    const spans = await waitForTrace(traceId, 4);
    const byName = new Map(spans.map((s) => [s.name, s]));
    const root = byName.get('POST /orders');
    expect(root?.parentSpanId).toBeUndefined();
    expect(root?.service).toBe(serviceName);
    expect(byName.get('reserve stock')?.parentSpanId).toBe(root?.spanId);
    expect(byName.get('db.query')?.parentSpanId).toBe(byName.get('reserve stock')?.spanId);
    expect(byName.get('charge')?.parentSpanId).toBe(root?.spanId);
    expect(root?.attributes).toMatchObject({
      'order.id': 'o-42',
      'db.queries': 2,
      'payment.attempts_by_method.card': 1,
      'http.request.header.authorization': REDACTED,
    });
    expect(JSON.stringify(spans, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      'live-secret-token',
    );
    expect(byName.get('charge')?.status.message).toBe('card declined');
  });
});
