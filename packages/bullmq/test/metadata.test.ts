import { propagation, ROOT_CONTEXT, type TraceState, trace } from '@opentelemetry/api';
import { W3CPropagator } from '@wideline/core';
import { parseTracestate } from '@wideline/core/sdk';
import { describe, expect, it } from 'vitest';
import { encodeMetadata, readStoredContext, withStoredContext } from '../src/index';

const CTX = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

describe('stored creation context', () => {
  it('is BullMQ telemetry metadata that bullmq-otel (propagation.extract of the JSON) reads back', () => {
    const opts = withStoredContext({ attempts: 3 } as { attempts: number; telemetry?: { metadata: string } }, CTX);
    expect(opts.attempts).toBe(3);
    propagation.setGlobalPropagator(new W3CPropagator());
    // What bullmq-otel's BullMQOTelContextManager.fromMetadata does with it:
    const extracted = propagation.extract(ROOT_CONTEXT, JSON.parse(opts.telemetry?.metadata ?? ''));
    expect(trace.getSpanContext(extracted)).toMatchObject({ ...CTX, isRemote: true });
    propagation.disable();
  });

  it('reads metadata written by bullmq-otel (propagation.inject into a JSON object)', () => {
    const metadata = JSON.stringify({ traceparent: `00-${CTX.traceId}-${CTX.spanId}-01`, baggage: 'a=b' });
    expect(readStoredContext({ telemetry: { metadata } })).toMatchObject({
      creation: { traceId: CTX.traceId, spanId: CTX.spanId, isRemote: true },
      rejected: false,
    });
  });

  it('encodes exactly what JSON.stringify would, tracestate and children included', () => {
    const withState = {
      ...CTX,
      traceState: parseTracestate('wl=r:4,vendor=a"b\\c') as TraceState,
    };
    const child = { ...CTX, spanId: '1111111111111111' };
    expect(encodeMetadata(CTX)).toBe(JSON.stringify({ traceparent: `00-${CTX.traceId}-${CTX.spanId}-01` }));
    expect(JSON.parse(encodeMetadata(withState, [child]))).toEqual({
      traceparent: `00-${CTX.traceId}-${CTX.spanId}-01`,
      tracestate: withState.traceState.serialize(),
      'wideline.children': [`00-${CTX.traceId}-1111111111111111-01`],
    });
    const read = readStoredContext({ telemetry: { metadata: encodeMetadata(withState) } });
    expect(read.creation?.traceState?.get('vendor')).toBe('a"b\\c');
  });

  it('rejects a plain-form context with a bad traceparent (the no-JSON.parse fast path)', () => {
    const metadata = `{"traceparent":"00-${'g'.repeat(32)}-${CTX.spanId}-01"}`;
    expect(metadata.length).toBe(JSON.stringify({ traceparent: `00-${CTX.traceId}-${CTX.spanId}-01` }).length);
    expect(readStoredContext({ telemetry: { metadata } })).toMatchObject({ creation: undefined, rejected: true });
  });

  it('leaves options that ask BullMQ to omit the context untouched', () => {
    const opts = { telemetry: { omitContext: true } };
    expect(withStoredContext(opts, CTX)).toBe(opts);
  });

  it('stores nothing for an invalid (no provider) context', () => {
    const opts = { attempts: 2 };
    expect(withStoredContext(opts, { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 })).toEqual({
      attempts: 2,
    });
  });

  it('carries a flow parent’s children, capped', () => {
    const children = Array.from({ length: 100 }, (_, i) => ({
      ...CTX,
      spanId: (i + 1).toString(16).padStart(16, '0'),
    }));
    const read = readStoredContext({ telemetry: { metadata: encodeMetadata(CTX, children) } });
    expect(read.children).toHaveLength(64);
    expect(read.children[0]?.spanId).toBe('0000000000000001');
  });

  const hostile: Array<[string, unknown]> = [
    ['a bad traceparent', { telemetry: { metadata: JSON.stringify({ traceparent: '00-xyz-abc-01' }) } }],
    [
      'an all-zero trace id',
      { telemetry: { metadata: JSON.stringify({ traceparent: `00-${'0'.repeat(32)}-${CTX.spanId}-01` }) } },
    ],
    [
      'upper-case hex',
      { telemetry: { metadata: JSON.stringify({ traceparent: `00-${CTX.traceId.toUpperCase()}-${CTX.spanId}-01` }) } },
    ],
    ['a number traceparent', { telemetry: { metadata: JSON.stringify({ traceparent: 42 }) } }],
    ['metadata that is not JSON', { telemetry: { metadata: '{"traceparent":' } }],
    ['metadata that is a JSON array', { telemetry: { metadata: '["00"]' } }],
    ['metadata of the wrong type', { telemetry: { metadata: { traceparent: `00-${CTX.traceId}-${CTX.spanId}-01` } } }],
    ['telemetry of the wrong type', { telemetry: 'yes' }],
    ['a huge string', { telemetry: { metadata: `{"traceparent":"${'a'.repeat(1_000_000)}"}` } }],
    ['a proto-polluting object', { telemetry: { metadata: '{"__proto__":{"traceparent":"x"}}' } }],
  ];
  for (const [what, opts] of hostile) {
    it(`rejects ${what} without throwing`, () => {
      const read = readStoredContext(opts);
      expect(read.creation).toBeUndefined();
      expect(read.rejected).toBe(true);
    });
  }

  it('treats absent telemetry and non-object options as no context (not rejected)', () => {
    for (const opts of [undefined, null, 7, 'x', {}, { telemetry: {} }, { telemetry: null }]) {
      expect(readStoredContext(opts)).toMatchObject({ creation: undefined, rejected: false });
    }
  });

  it('drops a bad tracestate but keeps the parent', () => {
    const metadata = JSON.stringify({ traceparent: `00-${CTX.traceId}-${CTX.spanId}-01`, tracestate: 'BAD KEY=1' });
    const read = readStoredContext({ telemetry: { metadata } });
    expect(read.creation?.traceId).toBe(CTX.traceId);
    expect(read.creation?.traceState).toBeUndefined();
  });
});
