import type { Span } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordWebVitals } from '../src/vitals';

/** A PerformanceObserver the test feeds: `deliver` runs the callback, `queue` leaves entries for `takeRecords`. */
class FakeObserver {
  static supportedEntryTypes = ['largest-contentful-paint', 'paint', 'layout-shift', 'event', 'first-input'];
  static all = new Map<string, FakeObserver>();
  options: PerformanceObserverInit = {};
  pending: object[] = [];
  disconnected = false;
  constructor(private readonly callback: (list: { getEntries(): object[] }) => void) {}
  observe(options: PerformanceObserverInit) {
    this.options = options;
    FakeObserver.all.set(String(options.type), this);
  }
  deliver(...entries: object[]) {
    if (!this.disconnected) this.callback({ getEntries: () => entries });
  }
  queue(...entries: object[]) {
    this.pending.push(...entries);
  }
  takeRecords() {
    return this.pending.splice(0);
  }
  disconnect() {
    this.disconnected = true;
  }
}

const observer = (type: string) => FakeObserver.all.get(type) as FakeObserver;
const lcp = (startTime: number) => ({ entryType: 'largest-contentful-paint', name: '', startTime });
const paint = (name: string, startTime: number) => ({ entryType: 'paint', name, startTime });
const shift = (startTime: number, value: number) => ({
  entryType: 'layout-shift',
  startTime,
  value,
  hadRecentInput: false,
});
const event = (interactionId: number, duration: number) => ({
  entryType: 'event',
  interactionId,
  duration,
  startTime: 0,
});

let listeners: Map<string, (event: Event) => void>;

function page(
  options: { activationStart?: number; responseStart?: number; hidden?: boolean; hiddenEntryAt?: number } = {},
) {
  const nav = { responseStart: options.responseStart ?? 120, activationStart: options.activationStart ?? 0 };
  const visibility = options.hiddenEntryAt === undefined ? [] : [{ name: 'hidden', startTime: options.hiddenEntryAt }];
  vi.stubGlobal('performance', {
    now: () => 60_000,
    getEntriesByType: (type: string) => (type === 'navigation' ? [nav] : type === 'visibility-state' ? visibility : []),
  });
  vi.stubGlobal('document', { visibilityState: options.hidden ? 'hidden' : 'visible', prerendering: false });
  const attributes: Record<string, unknown> = {};
  const span = { setAttributes: (a: Record<string, unknown>) => Object.assign(attributes, a) } as unknown as Span;
  return { attributes, finish: recordWebVitals(span) };
}

describe('recordWebVitals (the entries to attributes, with a fake PerformanceObserver)', () => {
  beforeEach(() => {
    FakeObserver.all.clear();
    listeners = new Map();
    vi.stubGlobal('PerformanceObserver', FakeObserver);
    vi.stubGlobal('addEventListener', (type: string, fn: (event: Event) => void) => listeners.set(type, fn));
    vi.stubGlobal('removeEventListener', (type: string) => listeners.delete(type));
  });
  afterEach(() => vi.unstubAllGlobals());

  it('observes each entry type buffered, events from 40 ms', () => {
    page();
    expect([...FakeObserver.all.keys()].sort()).toEqual([...FakeObserver.supportedEntryTypes].sort());
    for (const o of FakeObserver.all.values()) expect(o.options.buffered).toBe(true);
    expect(observer('event').options).toMatchObject({ durationThreshold: 40 });
  });

  it('counts LCP, FCP and TTFB from activation, never below 0 (a prerendered page)', () => {
    const { attributes } = page({ activationStart: 1000, responseStart: 200 });
    observer('paint').deliver(paint('first-paint', 700), paint('first-contentful-paint', 800));
    observer('largest-contentful-paint').deliver(lcp(800), lcp(3900.4));
    expect(attributes).toMatchObject({
      'web_vital.ttfb': 0,
      'web_vital.fcp': 0,
      'web_vital.lcp': 2900,
      'web_vital.lcp.rating': 'needs-improvement',
    });
  });

  it('keeps the last LCP entry before the first trusted input', () => {
    const { attributes } = page();
    listeners.get('pointerdown')?.({ isTrusted: false, timeStamp: 100 } as Event);
    listeners.get('keydown')?.({ isTrusted: true, timeStamp: 2000 } as Event);
    observer('largest-contentful-paint').deliver(lcp(900), lcp(1999), lcp(2600));
    expect(attributes['web_vital.lcp']).toBe(1999);
  });

  it('reports no LCP or FCP painted after the page was first hidden', () => {
    const background = page({ hidden: true });
    observer('paint').deliver(paint('first-contentful-paint', 300));
    observer('largest-contentful-paint').deliver(lcp(300));
    expect(background.attributes['web_vital.fcp']).toBeUndefined();
    expect(background.attributes['web_vital.lcp']).toBeUndefined();

    const hiddenOnce = page({ hiddenEntryAt: 1000 });
    observer('paint').deliver(paint('first-contentful-paint', 400));
    observer('largest-contentful-paint').deliver(lcp(400), lcp(1200));
    expect(hiddenOnce.attributes).toMatchObject({ 'web_vital.fcp': 400, 'web_vital.lcp': 400 });
  });

  it('writes CLS to 4 decimals as it grows, with the rating of the unrounded value', () => {
    const { attributes } = page();
    observer('layout-shift').deliver(shift(100, 0.06), shift(400, 0.04004));
    expect(attributes).toMatchObject({ 'web_vital.cls': 0.1, 'web_vital.cls.rating': 'needs-improvement' });
  });

  it('takes INP per interaction, with the page’s interaction count when it has one', () => {
    const { attributes } = page();
    (performance as unknown as { interactionCount: number }).interactionCount = 60;
    observer('first-input').deliver({ entryType: 'first-input', interactionId: 3, duration: 16, startTime: 0 });
    expect(attributes['web_vital.inp']).toBe(16);
    observer('event').deliver(event(3, 48), event(10, 520), event(17, 96));
    // 60 interactions: the slowest (520) is the one left out.
    expect(attributes).toMatchObject({ 'web_vital.inp': 96, 'web_vital.inp.rating': 'good' });
  });

  it('at the end takes what the observers still hold, writes CLS even at 0, and stops', () => {
    const { attributes, finish } = page();
    observer('event').queue(event(7, 304));
    expect(attributes['web_vital.inp']).toBeUndefined();
    finish();
    expect(attributes).toMatchObject({
      'web_vital.inp': 304,
      'web_vital.inp.rating': 'needs-improvement',
      'web_vital.cls': 0,
      'web_vital.cls.rating': 'good',
    });
    for (const o of FakeObserver.all.values()) expect(o.disconnected).toBe(true);
    expect(listeners.size).toBe(0);
    observer('layout-shift').deliver(shift(100, 0.5));
    finish();
    expect(attributes['web_vital.cls']).toBe(0);
  });
});
