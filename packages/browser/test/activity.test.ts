import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
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

  const click = (activities: ActivityTracker, name: string) => {
    const span = memory.tracer.startSpan(name, { root: true });
    activities.start(trace.setSpan(ROOT_CONTEXT, span), () => span.end());
    return span;
  };

  it('parents nothing when two interactions are open, and links both; one trace open is the parent', async () => {
    const activities = new ActivityTracker(memory.manager, { idleMs: 500 });
    const a = click(activities, 'click a');
    const b = click(activities, 'click b');
    const choice = activities.parentFor();
    expect(trace.getSpan(choice.ctx)).toBeUndefined();
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(choice.links.map((l) => [l.context.spanId, l.attributes?.['wideline.link.type']])).toEqual([
      [a.spanContext().spanId, 'candidate_parent'],
      [b.spanContext().spanId, 'candidate_parent'],
    ]);
    // A navigation inside B is B's story, not a third candidate.
    const nav = memory.tracer.startSpan('navigation', {}, trace.setSpan(ROOT_CONTEXT, b));
    activities.start(trace.setSpan(ROOT_CONTEXT, nav), () => nav.end(), 'navigation');
    expect(activities.parentFor().links).toHaveLength(2);
  });

  it('links a request after idle to the activity that ended last (within lateLinkMs), else to nothing', async () => {
    const activities = new ActivityTracker(memory.manager, { idleMs: 500, lateLinkMs: 2000 });
    const a = click(activities, 'click a');
    await vi.advanceTimersByTimeAsync(800);
    const late = activities.parentFor();
    expect(trace.getSpan(late.ctx)).toBeUndefined();
    expect(late.links.map((l) => [l.context.spanId, l.attributes?.['wideline.link.reason']])).toEqual([
      [a.spanContext().spanId, 'after_idle'],
    ]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(activities.parentFor().links).toEqual([]);
  });

  it('keeps a pending scope the parent over its interaction, and the page load yields to a click', async () => {
    const activities = new ActivityTracker(memory.manager, { idleMs: 500 });
    const pageView = memory.tracer.startSpan('page view');
    activities.start(trace.setSpan(ROOT_CONTEXT, pageView), () => undefined, 'load');
    const a = click(activities, 'click a');
    expect(trace.getActiveSpan()).toBe(a);
    const work = memory.tracer.startSpan('work', {}, trace.setSpan(ROOT_CONTEXT, a));
    const close = activities.openScope(trace.setSpan(ROOT_CONTEXT, work));
    expect(trace.getActiveSpan()).toBe(work);
    close();
    expect(trace.getActiveSpan()).toBe(a);
  });
});
