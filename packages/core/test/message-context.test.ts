import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { attachTraceContext, readTraceContext, remoteContext } from '../src/index';
import { stripTraceContext, W3CTraceState } from '../src/sdk';

const spanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: 1,
  traceState: new W3CTraceState([['vendor', '1']]),
};

describe('trace context inside message bodies', () => {
  it('round-trips: attach on the sender, read and continue on the receiver, strip for the handler', () => {
    const sent = attachTraceContext({ type: 'chat', text: 'hi' }, spanContext, 'c-1');
    expect(sent).toEqual({
      type: 'chat',
      text: 'hi',
      wideline: {
        traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-01`,
        tracestate: 'vendor=1',
        correlationId: 'c-1',
      },
    });
    const received = JSON.parse(JSON.stringify(sent));
    const fields = readTraceContext(received);
    const parent = trace.getSpanContext(remoteContext(fields?.traceparent, fields?.tracestate) ?? ROOT_CONTEXT);
    expect(parent).toMatchObject({ traceId: spanContext.traceId, spanId: spanContext.spanId, isRemote: true });
    expect(fields?.correlationId).toBe('c-1');
    expect(stripTraceContext(received)).toEqual({ type: 'chat', text: 'hi' });
  });

  it('leaves non-object bodies alone and ignores malformed fields', () => {
    expect(attachTraceContext('text', spanContext)).toBe('text');
    expect(attachTraceContext([1, 2], spanContext)).toEqual([1, 2]);
    expect(attachTraceContext({ a: 1 }, undefined)).toEqual({ a: 1 });
    expect(readTraceContext({ wideline: 'nope' })).toBeUndefined();
    expect(readTraceContext({ wideline: { traceparent: 42, correlationId: 'x'.repeat(500) } })).toEqual({
      correlationId: 'x'.repeat(128),
    });
    expect(readTraceContext(null)).toBeUndefined();
    expect(stripTraceContext('text')).toBe('text');
  });
});
