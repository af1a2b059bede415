import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserOtlpExporter } from '../src/exporter';
import { OfflineQueue } from '../src/offline-queue';
import { MapStorage, memoryProvider } from './helpers';

const memory = memoryProvider();

function spans(count: number, padding = 0): ReadableSpan[] {
  memory.reset();
  for (let i = 0; i < count; i++)
    memory.tracer.startSpan(`span ${i}`, { attributes: { pad: 'x'.repeat(padding) } }).end();
  return memory.spans();
}

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(answer: (call: Call, index: number) => Promise<Response>) {
  const calls: Call[] = [];
  const fn = ((url: string, init: RequestInit) => {
    const call = { url, init };
    calls.push(call);
    return answer(call, calls.length - 1);
  }) as unknown as typeof fetch;
  return { fn, calls };
}

const exportNow = (exporter: BrowserOtlpExporter, batch: ReadableSpan[]) =>
  new Promise<number>((resolve) => exporter.export(batch, (result) => resolve(result.code)));

describe('BrowserOtlpExporter', () => {
  beforeEach(() => vi.stubGlobal('navigator', { onLine: true }));
  afterEach(() => vi.unstubAllGlobals());

  it('posts OTLP JSON with keepalive while the in-flight bodies fit the 64 KiB budget', async () => {
    const { fn, calls } = fakeFetch(() => new Promise<Response>(() => undefined));
    const exporter = new BrowserOtlpExporter({ url: 'http://collector/v1/traces', fetch: fn });
    expect(await exportNow(exporter, spans(1, 40_000))).toBe(ExportResultCode.SUCCESS);
    await exportNow(exporter, spans(1, 40_000));
    expect(calls.map((c) => c.init.keepalive)).toEqual([true, false]);
    expect(calls[0]?.init.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(JSON.parse(String(calls[0]?.init.body)).resourceSpans[0].scopeSpans[0].spans[0].name).toBe('span 0');
  });

  it('retries 503 with backoff, then counts the request as sent', async () => {
    const { fn, calls } = fakeFetch(async (_c, i) => new Response(null, { status: i === 0 ? 503 : 200 }));
    const exporter = new BrowserOtlpExporter({
      url: 'http://c/v1/traces',
      fetch: fn,
      backoffMs: 1,
    });
    await exportNow(exporter, spans(2));
    await vi.waitFor(() => expect(exporter.stats().requestsSent).toBe(1));
    expect(calls).toHaveLength(2);
    expect(exporter.stats()).toMatchObject({ requestsRetried: 1, requestsDropped: 0, pending: 0 });
  });

  it('drops (counted, warned once) what the collector refuses, without retrying', async () => {
    const warnings: string[] = [];
    const { fn, calls } = fakeFetch(async () => new Response(null, { status: 400 }));
    const exporter = new BrowserOtlpExporter({
      url: 'http://c/v1/traces',
      fetch: fn,
      onWarning: (m) => warnings.push(m),
    });
    await exportNow(exporter, spans(1));
    await exportNow(exporter, spans(1));
    await vi.waitFor(() => expect(exporter.stats().requestsDropped).toBe(2));
    expect(calls).toHaveLength(2);
    expect(warnings).toHaveLength(1);
  });

  it('keeps batches in storage while offline and sends each exactly once when back', async () => {
    const storage = new MapStorage();
    const { fn, calls } = fakeFetch(async () => new Response(null, { status: 200 }));
    const exporter = new BrowserOtlpExporter({
      url: 'http://c/v1/traces',
      fetch: fn,
      queue: new OfflineQueue(storage),
    });
    vi.stubGlobal('navigator', { onLine: false });
    await exportNow(exporter, spans(1));
    await exportNow(exporter, spans(1));
    expect(calls).toHaveLength(0);
    expect(exporter.stats().requestsQueuedOffline).toBe(2);

    vi.stubGlobal('navigator', { onLine: true });
    exporter.drainQueue();
    exporter.drainQueue();
    await vi.waitFor(() => expect(exporter.stats().requestsSent).toBe(2));
    exporter.drainQueue();
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toHaveLength(2);
    expect(storage.map.size).toBe(0);
  });

  it('stores instead of sending a doomed plain request while the page unloads', async () => {
    const storage = new MapStorage();
    const { fn, calls } = fakeFetch(() => new Promise<Response>(() => undefined));
    const exporter = new BrowserOtlpExporter({
      url: 'http://c/v1/traces',
      fetch: fn,
      queue: new OfflineQueue(storage),
    });
    exporter.setUnloading(true);
    await exportNow(exporter, spans(1, 40_000));
    await exportNow(exporter, spans(1, 40_000));
    expect(calls.map((c) => c.init.keepalive)).toEqual([true]);
    expect(exporter.stats().requestsQueuedOffline).toBe(1);
  });

  it('leaves stored batches in storage while the page unloads, and drains them once it is back', async () => {
    const storage = new MapStorage();
    const { fn, calls } = fakeFetch(async () => new Response(null, { status: 200 }));
    const exporter = new BrowserOtlpExporter({
      url: 'http://c/v1/traces',
      fetch: fn,
      queue: new OfflineQueue(storage),
    });
    vi.stubGlobal('navigator', { onLine: false });
    await exportNow(exporter, spans(1));
    expect(storage.map.size).toBe(1);
    // pagehide, then Chromium's `online` as its offline emulation ends with the page.
    exporter.setUnloading(true);
    vi.stubGlobal('navigator', { onLine: true });
    exporter.drainQueue();
    expect(calls).toHaveLength(0);
    expect(storage.map.size).toBe(1);
    exporter.setUnloading(false);
    exporter.drainQueue();
    await vi.waitFor(() => expect(exporter.stats().requestsSent).toBe(1));
    expect(storage.map.size).toBe(0);
  });

  it('never throws into the caller when fetch itself throws', async () => {
    const fn = (() => {
      throw new TypeError('blocked by an extension');
    }) as unknown as typeof fetch;
    const exporter = new BrowserOtlpExporter({
      url: 'http://c/v1/traces',
      fetch: fn,
      maxRetries: 0,
    });
    expect(await exportNow(exporter, spans(1))).toBe(ExportResultCode.SUCCESS);
    await vi.waitFor(() => expect(exporter.stats().requestsDropped).toBe(1));
  });
});
