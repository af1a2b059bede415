import { context, ROOT_CONTEXT, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { wideEvent } from '../src/index';
import { REDACTED } from '../src/sdk';
import { memoryTracing } from './helpers';

describe('wideEvent', () => {
  it('puts fields set deep inside child spans on the unit’s root span', async () => {
    const { tracing, finished } = memoryTracing();
    await tracing.tracer.startActiveSpan('POST /checkout', async (root) => {
      wideEvent().set('user.id', 'u-1');
      await tracing.tracer.startActiveSpan('db.query', async (child) => {
        await tracing.tracer.startActiveSpan('db.row', async (grandchild) => {
          await Promise.resolve();
          wideEvent().set('cart.items', 3).setAll({ 'cart.total': 42.5, 'cart.currency': 'EUR' });
          grandchild.end();
        });
        child.end();
      });
      root.end();
    });
    const spans = await finished();
    const root = spans.find((s) => s.name === 'POST /checkout');
    expect(root?.attributes).toMatchObject({
      'user.id': 'u-1',
      'cart.items': 3,
      'cart.total': 42.5,
      'cart.currency': 'EUR',
    });
    expect(spans.find((s) => s.name === 'db.row')?.attributes).toEqual({});
  });

  it('a remote parent starts a new unit: fields go to the local root, not across the process boundary', async () => {
    const { tracing, finished } = memoryTracing();
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    context.with(remote, () =>
      tracing.tracer.startActiveSpan('job', (root) => {
        tracing.tracer.startActiveSpan('step', (step) => {
          wideEvent().increment('steps');
          step.end();
        });
        root.end();
      }),
    );
    const root = (await finished()).find((s) => s.name === 'job');
    expect(root?.attributes.steps).toBe(1);
    expect(root?.spanContext().traceId).toBe('a'.repeat(32));
  });

  it('counts, and counts by bucket with bounded cardinality', async () => {
    const { tracing, finished } = memoryTracing();
    tracing.tracer.startActiveSpan('ws.session', (root) => {
      for (let i = 0; i < 5; i++) wideEvent().increment('messages');
      wideEvent().increment('bytes', 100).increment('bytes', 20).increment('bytes', Number.NaN);
      wideEvent()
        .countBy('messages.by_type', 'chat')
        .countBy('messages.by_type', 'chat')
        .countBy('messages.by_type', 'ping');
      for (let i = 0; i < 40; i++) wideEvent().countBy('errors.by_code', `E${i}`);
      wideEvent().countBy('weird', 'a b/c');
      root.end();
    });
    const [root] = await finished();
    expect(root?.attributes).toMatchObject({
      messages: 5,
      bytes: 120,
      'messages.by_type.chat': 2,
      'messages.by_type.ping': 1,
      'errors.by_code.other': 8,
      'weird.a_b_c': 1,
    });
    expect(Object.keys(root?.attributes ?? {}).filter((k) => k.startsWith('errors.by_code.'))).toHaveLength(33);
  });

  it('recordError marks the unit failed', async () => {
    const { tracing, finished } = memoryTracing();
    tracing.tracer.startActiveSpan('job', (root) => {
      tracing.tracer.startActiveSpan('inner', (inner) => {
        wideEvent().recordError(new TypeError('bad input'));
        inner.end();
      });
      root.end();
    });
    const root = (await finished()).find((s) => s.name === 'job');
    expect(root?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad input' });
    expect(root?.attributes['error.type']).toBe('TypeError');
    expect(root?.events[0]?.name).toBe('exception');
  });

  it('is a harmless no-op outside any unit of work', () => {
    const event = wideEvent();
    expect(event.isRecording).toBe(false);
    expect(() => event.set('a', 1).increment('b').countBy('c', 'd').recordError('x')).not.toThrow();
  });

  it('optionally writes one redacted JSON line per unit when its root ends', async () => {
    const lines: string[] = [];
    const { tracing } = memoryTracing({ wideEventLog: (line) => lines.push(line) });
    tracing.tracer.startActiveSpan('GET /me', (root) => {
      tracing.tracer.startActiveSpan('child', (child) => {
        wideEvent().set('http.request.header.authorization', 'Bearer abcdefghijkl').set('user.id', 'u-7');
        child.end();
      });
      root.end();
    });
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] as string);
    expect(record).toMatchObject({
      _event: 'GET /me',
      service: 'test',
      status: 'unset',
      'user.id': 'u-7',
      'http.request.header.authorization': REDACTED,
    });
    expect(record.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(typeof record.duration_ms).toBe('number');
  });
});
