import { ExportResultCode } from '@opentelemetry/core';
import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { FetchSpanExporter } from '../src/sdk';
import { memoryTracing } from './helpers';

async function someSpans() {
  const { tracing, exporter } = memoryTracing({});
  tracing.tracer.startSpan('one').end();
  await tracing.forceFlush();
  return (exporter as InMemorySpanExporter).getFinishedSpans();
}

/** A collector answer whose body records whether it was read to the end or cancelled. */
function answer(status: number) {
  const seen = { pulled: 0, cancelled: false };
  const chunks = ['{"partialSuccess"', ':{}}'];
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[seen.pulled++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(chunk));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { response: new Response(body, { status }), seen };
}

function exportWith(fetch: typeof globalThis.fetch, spans: Awaited<ReturnType<typeof someSpans>>) {
  const exporter = new FetchSpanExporter({ url: 'http://collector.test/v1/traces', headers: { 'x-key': 'k' }, fetch });
  return new Promise<{ code: ExportResultCode; error?: Error }>((resolve) => exporter.export(spans, resolve));
}

describe('FetchSpanExporter (core)', () => {
  it('posts OTLP/JSON from inside export() and reads the answer to its end instead of cancelling it', async () => {
    const spans = await someSpans();
    const { response, seen } = answer(200);
    const requests: Array<{ url: string; init: RequestInit }> = [];
    const result = await exportWith(async (url, init) => {
      requests.push({ url: String(url), init: init as RequestInit });
      return response;
    }, spans);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe('http://collector.test/v1/traces');
    expect(requests[0]?.init.headers).toMatchObject({ 'x-key': 'k', 'content-type': 'application/json' });
    expect(JSON.parse(String(requests[0]?.init.body)).resourceSpans[0].scopeSpans[0].spans[0].name).toBe('one');
    // Read whole (two chunks and the end), never cancelled: the connection can be reused.
    expect(seen).toEqual({ pulled: 3, cancelled: false });
  });

  it('reports a refused or failed request as a failed result, never a throw', async () => {
    const spans = await someSpans();
    const refused = await exportWith(async () => answer(503).response, spans);
    expect(refused.code).toBe(ExportResultCode.FAILED);
    expect(refused.error?.message).toBe('collector answered 503');
    const failed = await exportWith(async () => {
      throw new TypeError('fetch failed');
    }, spans);
    expect(failed.code).toBe(ExportResultCode.FAILED);
    expect(failed.error?.message).toBe('fetch failed');
  });
});
