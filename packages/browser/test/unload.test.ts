import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserOtlpExporter } from '../src/exporter';
import { OfflineQueue } from '../src/offline-queue';
import { trackOpenSpans } from '../src/open-requests';
import { MapStorage, memoryProvider } from './helpers';

const memory = memoryProvider();

function batch(name: string): ReadableSpan[] {
  memory.reset();
  memory.tracer.startSpan(name).end();
  return memory.spans();
}

const exportNow = (exporter: BrowserOtlpExporter, spans: ReadableSpan[]) =>
  new Promise<void>((resolve) => exporter.export(spans, () => resolve()));

/** A collector whose every answer the test gives by hand. */
function collector() {
  const calls: Array<{ body: string; answer: (status: number) => void; fail: () => void }> = [];
  const fn = ((_url: string, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      calls.push({
        body: String(init.body),
        answer: (status) => resolve(new Response(null, { status })),
        fail: () => reject(new TypeError('Failed to fetch')),
      });
    })) as unknown as typeof fetch;
  return { fn, calls };
}

const stored = (storage: MapStorage) => storage.map.get('wideline.queue') ?? '';

describe('the exporter at pagehide', () => {
  beforeEach(() => vi.stubGlobal('navigator', { onLine: true }));
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('writes a batch that waits to be retried to the offline queue at once', async () => {
    const storage = new MapStorage();
    const { fn, calls } = collector();
    const exporter = new BrowserOtlpExporter({
      url: 'http://c',
      fetch: fn,
      backoffMs: 60_000,
      queue: new OfflineQueue(storage),
    });
    await exportNow(exporter, batch('in.retry'));
    calls[0]?.answer(503);
    await vi.waitFor(() => expect(exporter.stats().requestsRetried).toBe(1));
    expect(stored(storage)).toBe('');
    exporter.setUnloading(true);
    expect(stored(storage)).toContain('in.retry');
  });

  it('stores what ends during the unload instead of sending it, while the collector is failing', async () => {
    const storage = new MapStorage();
    const { fn, calls } = collector();
    const exporter = new BrowserOtlpExporter({
      url: 'http://c',
      fetch: fn,
      maxRetries: 0,
      queue: new OfflineQueue(storage),
    });
    await exportNow(exporter, batch('earlier'));
    calls[0]?.fail();
    await vi.waitFor(() => expect(exporter.stats().requestsQueuedOffline).toBe(1));
    exporter.setUnloading(true);
    await exportNow(exporter, batch('page view'));
    expect(calls).toHaveLength(1);
    expect(stored(storage)).toContain('page view');
  });

  it('sends what ends during the unload with keepalive while the collector answers', async () => {
    const storage = new MapStorage();
    const { fn, calls } = collector();
    const exporter = new BrowserOtlpExporter({ url: 'http://c', fetch: fn, queue: new OfflineQueue(storage) });
    await exportNow(exporter, batch('earlier'));
    calls[0]?.answer(200);
    await vi.waitFor(() => expect(exporter.stats().requestsSent).toBe(1));
    exporter.setUnloading(true);
    await exportNow(exporter, batch('page view'));
    expect(calls).toHaveLength(2);
    expect(stored(storage)).toBe('');
  });

  it('stores a request the collector has left unanswered, and forgets the copy if the answer still comes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const storage = new MapStorage();
    const { fn, calls } = collector();
    const exporter = new BrowserOtlpExporter({ url: 'http://c', fetch: fn, queue: new OfflineQueue(storage) });
    await exportNow(exporter, batch('hanging'));
    vi.setSystemTime(Date.now() + 1500);
    exporter.setUnloading(true);
    expect(stored(storage)).toContain('hanging');
    // Spans that end now do not race the hanging collector either.
    await exportNow(exporter, batch('page view'));
    expect(calls).toHaveLength(1);
    expect(stored(storage)).toContain('page view');
    // The page lived on (back/forward cache) and the answer came: the stored copy must not go twice.
    calls[0]?.answer(200);
    await vi.waitFor(() => expect(stored(storage)).not.toContain('hanging'));
    expect(stored(storage)).toContain('page view');
  });
});

describe('request spans open at pagehide', () => {
  it('end with status unset and wideline.ended_by = unload; those that ended are left alone', () => {
    memory.reset();
    const open = trackOpenSpans(memory.tracer);
    const done = open.tracer.startSpan('GET /done');
    done.end();
    open.tracer.startSpan('GET /slow');
    expect(open.endAtUnload()).toBe(1);
    const spans = memory.spans();
    const slow = spans.find((s) => s.name === 'GET /slow');
    expect(slow?.attributes['wideline.ended_by']).toBe('unload');
    expect(slow?.status.code).toBe(SpanStatusCode.UNSET);
    expect(spans.find((s) => s.name === 'GET /done')?.attributes['wideline.ended_by']).toBeUndefined();
    expect(open.endAtUnload()).toBe(0);
  });
});
