import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTracing } from '../src/index';

function tracingWith(exporter: SpanExporter, batch = {}, exportTimeoutMs = 200) {
  const warnings: string[] = [];
  const tracing = createTracing({
    serviceName: 'svc',
    register: false,
    exporter,
    exportTimeoutMs,
    batch: { scheduledDelayMs: 5, ...batch },
    onWarning: (m) => warnings.push(m),
  });
  return { tracing, warnings };
}

describe('BatchExportProcessor', () => {
  it('drops and counts spans past the queue bound, warning once', async () => {
    let exported = 0;
    const slow: SpanExporter = {
      export: (spans, done) =>
        setTimeout(() => {
          exported += spans.length;
          done({ code: ExportResultCode.SUCCESS });
        }, 20),
      shutdown: async () => {},
    };
    const { tracing, warnings } = tracingWith(slow, { maxQueueSize: 100, maxExportBatchSize: 50 }, 1000);
    for (let i = 0; i < 1000; i++) tracing.tracer.startSpan(`s${i}`).end();
    await tracing.forceFlush();
    const stats = tracing.stats().export;
    expect(stats.spansExported).toBe(exported);
    expect(stats.spansExported + stats.spansDroppedQueueFull).toBe(1000);
    expect(stats.spansDroppedQueueFull).toBeGreaterThan(0);
    expect(warnings.filter((w) => w.includes('queue full'))).toHaveLength(1);
  });

  it('a hanging collector costs nothing but counted drops, and flush returns after the timeout', async () => {
    const hanging: SpanExporter = { export: () => {}, shutdown: async () => {} };
    const { tracing, warnings } = tracingWith(hanging, {}, 100);
    const started = performance.now();
    tracing.tracer.startSpan('a').end();
    await tracing.forceFlush();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(tracing.stats().export).toMatchObject({ spansDroppedExportFailed: 1, exportFailures: 1 });
    expect(warnings[0]).toMatch(/timed out after 100 ms/);
  });

  it('a flush through an exporter that answers at once (the Workers outbox) arms no timer', async () => {
    const armed: unknown[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const immediate: SpanExporter = {
      export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
      shutdown: async () => {},
    };
    const { tracing } = tracingWith(immediate, { scheduledDelayMs: 60_000 }, 12_345);
    tracing.tracer.startSpan('a').end(); // arms the batch timer (60 s) before the spying starts
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      armed.push(ms);
      return realSetTimeout(fn, ms);
    }) as typeof setTimeout;
    try {
      await tracing.forceFlush();
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    // Neither the export timeout nor a per-processor flush deadline: a Worker flushes per request.
    expect(armed).toEqual([]);
    expect(tracing.stats().export).toMatchObject({ spansExported: 1, exportFailures: 0 });
  });

  it('with scheduledDelayMs Infinity arms no batch timer: a partial batch waits for forceFlush', async () => {
    const armed: unknown[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const immediate: SpanExporter = {
      export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
      shutdown: async () => {},
    };
    const { tracing } = tracingWith(immediate, { scheduledDelayMs: Number.POSITIVE_INFINITY });
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      armed.push(ms);
      return realSetTimeout(fn, ms);
    }) as typeof setTimeout;
    try {
      tracing.tracer.startSpan('a').end();
      tracing.tracer.startSpan('b').end();
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    expect(armed).toEqual([]);
    expect(tracing.stats().export).toMatchObject({ spansExported: 0, queued: 2 });
    await tracing.forceFlush();
    expect(tracing.stats().export).toMatchObject({ spansExported: 2, queued: 0 });
  });

  it('a throwing exporter never reaches user code', async () => {
    const throwing: SpanExporter = {
      export: () => {
        throw new Error('kaput');
      },
      shutdown: async () => {},
    };
    const { tracing } = tracingWith(throwing);
    expect(() => tracing.tracer.startSpan('a').end()).not.toThrow();
    await expect(tracing.forceFlush()).resolves.toBeUndefined();
    expect(tracing.stats().export.spansDroppedExportFailed).toBe(1);
  });

  it('splits batches by estimated bytes', async () => {
    const batches: ReadableSpan[][] = [];
    const recording: SpanExporter = {
      export: (spans, done) => {
        batches.push(spans);
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => {},
    };
    const { tracing } = tracingWith(recording, { maxBatchBytes: 4000 });
    for (let i = 0; i < 10; i++) tracing.tracer.startSpan('big', { attributes: { blob: 'x'.repeat(1000) } }).end();
    await tracing.forceFlush();
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(batches.flat()).toHaveLength(10);
  });

  it('with the real OTLP exporter and a dead collector, spans are counted as dropped and nothing throws', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise((r) => server.close(r)); // the port is now closed: a dead collector
    const { tracing } = tracingWith(
      new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces`, timeoutMillis: 500 }),
      {},
      2000,
    );
    for (let i = 0; i < 5; i++) tracing.tracer.startSpan(`s${i}`).end();
    await tracing.forceFlush();
    expect(tracing.stats().export).toMatchObject({ spansExported: 0, spansDroppedExportFailed: 5 });
    await tracing.shutdown();
    await tracing.shutdown(); // runs once
  });
});

describe('BatchExportProcessor scheduling', () => {
  // The gap is a few microtasks wide (after the drain loop's last check, before its promise settles),
  // so the late span is ended after each number of ticks in turn.
  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8])(
    'a span that ends %i microtasks after an export settles is still exported without another flush',
    async (ticks) => {
      const exported: string[] = [];
      let finishExport: (() => void) | undefined;
      const gated: SpanExporter = {
        export: (spans, done) => {
          exported.push(...spans.map((s) => s.name));
          finishExport = () => done({ code: ExportResultCode.SUCCESS });
        },
        shutdown: async () => {},
      };
      const { tracing } = tracingWith(gated, { scheduledDelayMs: 5 }, 1000);
      tracing.tracer.startSpan('first').end();
      const flushed = tracing.forceFlush();
      await new Promise((r) => setTimeout(r, 10));
      finishExport?.();
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      tracing.tracer.startSpan('late').end();
      await flushed;
      await new Promise((r) => setTimeout(r, 40));
      finishExport?.();
      await new Promise((r) => setTimeout(r, 10));
      expect(exported).toEqual(['first', 'late']);
    },
  );
});
