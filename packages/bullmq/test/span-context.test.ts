import { context, createContextKey, propagation, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSpan } from '../src/span-context';

const span = (id: string): Span =>
  trace.wrapSpanContext({ traceId: id.repeat(32), spanId: id.repeat(16), traceFlags: 0, isRemote: true });
const KEY = createContextKey('test key');
const OTHER = createContextKey('other key');

describe('withSpan', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => context.disable());

  it('answers as trace.setSpan does: the span under the API key, the parent for every other key', () => {
    const parent = trace.setSpan(ROOT_CONTEXT.setValue(KEY, 'v'), span('a')).setValue(OTHER, true);
    const ctx = withSpan(parent, span('b'));
    expect(trace.getSpan(ctx)?.spanContext().traceId).toBe('b'.repeat(32));
    expect(ctx.getValue(KEY)).toBe('v');
    expect(ctx.getValue(OTHER)).toBe(true);
    expect(ctx.getValue(createContextKey('unset'))).toBeUndefined();
    expect(trace.getSpan(withSpan(ROOT_CONTEXT, span('c')))?.spanContext().spanId).toBe('c'.repeat(16));
  });

  it('keeps the span and the parent’s values in contexts derived from it', () => {
    const ctx = withSpan(ROOT_CONTEXT.setValue(KEY, 'v'), span('b'));
    const baggage = propagation.setBaggage(ctx, propagation.createBaggage({ user: { value: 'u' } }));
    expect(trace.getSpan(baggage)?.spanContext().traceId).toBe('b'.repeat(32));
    expect(propagation.getBaggage(baggage)?.getEntry('user')?.value).toBe('u');
    expect(baggage.getValue(KEY)).toBe('v');
    // Derived contexts are new ones: the overlay itself is unchanged.
    expect(propagation.getBaggage(ctx)).toBeUndefined();
    const withoutSpan = trace.deleteSpan(ctx);
    expect(trace.getSpan(withoutSpan)).toBeUndefined();
    expect(withoutSpan.getValue(KEY)).toBe('v');
    expect(trace.getSpan(ctx)).toBeDefined();
    expect(trace.getSpan(ctx.deleteValue(KEY))?.spanContext().traceId).toBe('b'.repeat(32));
    expect(ctx.deleteValue(KEY).getValue(KEY)).toBeUndefined();
  });

  it('is the active span inside context.with, and across an await', async () => {
    const seen = await context.with(withSpan(ROOT_CONTEXT, span('d')), async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return trace.getActiveSpan()?.spanContext().traceId;
    });
    expect(seen).toBe('d'.repeat(32));
  });
});
