import { context, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActivityTracker } from '../src/activity';
import { memoryProvider } from './helpers';

describe('the ambient activity', () => {
  const memory = memoryProvider();
  beforeEach(() => {
    memory.reset();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('parents spans started after an await, until the page has been idle for idleMs', async () => {
    const activities = new ActivityTracker(memory.manager, { idleMs: 500 });
    const click = memory.tracer.startSpan('click');
    activities.start(trace.setSpan(context.active(), click), () => click.end());
    await Promise.resolve();
    await vi.advanceTimersByTimeAsync(100);
    const fetchSpan = memory.tracer.startSpan('GET /api');
    fetchSpan.end();
    expect(fetchSpan.spanContext().traceId).toBe(click.spanContext().traceId);
    await vi.advanceTimersByTimeAsync(500);
    expect(memory.spans().map((s) => s.name)).toEqual(['GET /api', 'click']);
    // After idle, new work starts its own trace.
    const later = memory.tracer.startSpan('later');
    expect(later.spanContext().traceId).not.toBe(click.spanContext().traceId);
  });

  it('stays open while a request holds it, and ends at maxMs at the latest', async () => {
    const activities = new ActivityTracker(memory.manager, { idleMs: 100, maxMs: 5000 });
    const reasons: string[] = [];
    activities.start(context.active(), (reason) => reasons.push(reason));
    const release = activities.hold();
    await vi.advanceTimersByTimeAsync(1000);
    expect(reasons).toEqual([]);
    release();
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(reasons).toEqual(['idle']);

    activities.start(context.active(), (reason) => reasons.push(reason));
    activities.hold();
    await vi.advanceTimersByTimeAsync(5000);
    expect(reasons).toEqual(['idle', 'timeout']);
  });

  it('lets an explicit context win over the ambient one', () => {
    const activities = new ActivityTracker(memory.manager);
    const click = memory.tracer.startSpan('click');
    activities.start(trace.setSpan(context.active(), click), () => click.end());
    const explicit = memory.tracer.startSpan('explicit');
    context.with(trace.setSpan(context.active(), explicit), () => {
      expect(trace.getActiveSpan()).toBe(explicit);
    });
    expect(trace.getActiveSpan()).toBe(click);
  });
});
