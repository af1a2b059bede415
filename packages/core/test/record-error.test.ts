import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { recordError, wideEvent } from '../src/index';
import { asError, errorSpanContext } from '../src/sdk';
import { memoryTracing } from './helpers';

class PaymentDeclined extends Error {
  override name = 'PaymentDeclined';
}

// What the OpenTelemetry semantic conventions ask of a failed span: an `exception` event with
// `exception.type` and `exception.message`, ERROR status, and `error.type` (the error's class).
const CASES: Array<{ thrown: () => unknown; type: string; message: string }> = [
  { thrown: () => new Error('boom'), type: 'Error', message: 'boom' },
  { thrown: () => new PaymentDeclined('card declined'), type: 'PaymentDeclined', message: 'card declined' },
  { thrown: () => new TypeError('x is undefined'), type: 'TypeError', message: 'x is undefined' },
  // Thrown values that are not errors.
  { thrown: () => 'a string', type: 'Error', message: 'a string' },
  { thrown: () => 42, type: 'Error', message: '42' },
  { thrown: () => undefined, type: 'Error', message: 'undefined' },
  // An error that crossed a process boundary as a plain object (BullMQ's sandboxed processors).
  {
    thrown: () => ({
      name: 'ValidationError',
      message: 'sku missing',
      stack: 'ValidationError: sku missing\n    at x',
    }),
    type: 'ValidationError',
    message: 'sku missing',
  },
];

describe('recordError', () => {
  it.each(CASES)('records $type: $message', async ({ thrown, type, message }) => {
    const { tracing, finished } = memoryTracing();
    const span = tracing.tracer.startSpan('work');
    const value = thrown();
    recordError(span, value);
    span.end();
    const [recorded] = await finished();
    expect(recorded?.status).toEqual({ code: SpanStatusCode.ERROR, message });
    expect(recorded?.attributes['error.type']).toBe(type);
    const event = recorded?.events.find((e) => e.name === 'exception');
    expect(event?.attributes?.['exception.type']).toBe(type);
    expect(event?.attributes?.['exception.message']).toBe(message);
    expect(event?.attributes?.['exception.stacktrace']).toEqual(expect.any(String));
    if (typeof value === 'object' && value !== null) expect(errorSpanContext(value)).toEqual(span.spanContext());
  });

  it('never throws, whatever it is given', async () => {
    const { tracing } = memoryTracing();
    const span = tracing.tracer.startSpan('work');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('getter');
        },
      },
    );
    const frozen = Object.freeze(new Error('frozen'));
    expect(() => recordError(span, hostile)).not.toThrow();
    expect(() => recordError(span, frozen)).not.toThrow();
    span.end();
    // Recorded on the span, but a frozen error cannot carry the span's context.
    expect(errorSpanContext(frozen)).toBeUndefined();
  });

  it('the wide event records on the unit’s root, by the same rules', async () => {
    const { tracing, finished } = memoryTracing();
    const error = new PaymentDeclined('card declined');
    tracing.tracer.startActiveSpan('POST /checkout', (root) => {
      tracing.tracer.startActiveSpan('charge', (child) => {
        wideEvent().recordError(error);
        child.end();
      });
      root.end();
    });
    const spans = await finished();
    const root = spans.find((s) => s.name === 'POST /checkout');
    expect(root?.attributes['error.type']).toBe('PaymentDeclined');
    expect(root?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card declined' });
    expect(spans.find((s) => s.name === 'charge')?.events).toEqual([]);
    expect(errorSpanContext(error)?.spanId).toBe(root?.spanContext().spanId);
  });

  it('asError keeps an Error as it is', () => {
    const error = new Error('same');
    expect(asError(error)).toBe(error);
  });
});
