import { SpanStatusCode } from '@opentelemetry/api';
import { sentryTraceHeaders } from '@wideline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActivityTracker } from '../src/activity';
import { propagationAllowlist } from '../src/allowlist';
import { instrumentFetch } from '../src/fetch';
import { urlTemplateMatcher } from '../src/url-template';
import { memoryProvider } from './helpers';

describe('instrumentFetch', () => {
  const memory = memoryProvider();
  const sent: Array<{ url: string; headers: Headers }> = [];
  let restore: () => void;
  const original = globalThis.fetch;

  beforeEach(() => {
    memory.reset();
    sent.length = 0;
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      sent.push({ url: request.url, headers: request.headers });
      if (request.url.includes('down')) throw new TypeError('Failed to fetch');
      return new Response('ok', { status: request.url.includes('missing') ? 404 : 200 });
    }) as typeof fetch;
    restore = instrumentFetch({
      tracer: memory.tracer,
      activities: new ActivityTracker(memory.manager),
      allowed: propagationAllowlist(['https://api.example.com'], { base: 'https://shop.example.com/' }),
      ignored: (url) => url.startsWith('https://otel.example.com'),
      extraHeaders: (spanContext) => sentryTraceHeaders(spanContext, { dsc: { environment: 'test' } }),
      urlTemplate: urlTemplateMatcher(['/orders/{id}', 'https://api.example.com/carts/{id}/items']),
    });
  });
  afterEach(() => {
    restore();
    globalThis.fetch = original;
  });

  it('sends traceparent from the CLIENT span to allowed origins, keeping the caller’s headers', async () => {
    await fetch('https://api.example.com/orders?id=7', { headers: { 'x-app': '1' } });
    const [span] = memory.spans();
    const headers = sent[0]?.headers as Headers;
    expect(headers.get('x-app')).toBe('1');
    // A new root with a random trace id: sampled, random-trace-id (Trace Context Level 2).
    expect(headers.get('traceparent')).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-03`);
    expect(headers.get('sentry-trace')).toBe(`${span?.spanContext().traceId}-${span?.spanContext().spanId}-1`);
    expect(headers.get('baggage')).toContain(`sentry-trace_id=${span?.spanContext().traceId}`);
    // No template known for /orders: the method alone (HTTP semantic conventions), never the raw path.
    expect(span?.name).toBe('GET');
    expect(span?.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200 });
    expect(span?.attributes['url.full']).toBe('https://api.example.com/orders');
  });

  it('sends nothing to third parties, but still records their span', async () => {
    await fetch(new Request('https://tracker.example.net/collect', { method: 'POST', body: 'x' }));
    expect(sent[0]?.headers.get('traceparent')).toBeNull();
    expect(sent[0]?.headers.get('sentry-trace')).toBeNull();
    expect(memory.spans()[0]?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'wideline.propagated': false,
    });
  });

  it('does not replace a traceparent the caller set, and ignores the export endpoint', async () => {
    await fetch('https://api.example.com/a', { headers: { traceparent: 'mine' } });
    expect(sent[0]?.headers.get('traceparent')).toBe('mine');
    await fetch('https://otel.example.com/v1/traces', { method: 'POST' });
    expect(sent[1]?.headers.get('traceparent')).toBeNull();
    expect(memory.spans()).toHaveLength(1);
  });

  it('marks failures and passes them on unchanged', async () => {
    await expect(fetch('https://api.example.com/down')).rejects.toThrow('Failed to fetch');
    expect((await fetch('https://api.example.com/missing')).status).toBe(404);
    const [down, missing] = memory.spans();
    expect(down?.status.code).toBe(SpanStatusCode.ERROR);
    expect(down?.attributes['error.type']).toBe('TypeError');
    expect(missing?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('names a CLIENT span by its URL template when one matches, and an unknown method HTTP', async () => {
    await fetch('https://api.example.com/orders/8f3a2c');
    await fetch('https://api.example.com/carts/42/items', { method: 'POST', body: '{}' });
    await fetch('https://elsewhere.example.com/carts/42/items');
    await fetch('https://api.example.com/orders/', { method: 'PURGE' });
    expect(
      memory.spans().map((s) => [s.name, s.attributes['url.template'], s.attributes['http.request.method']]),
    ).toEqual([
      ['GET /orders/{id}', '/orders/{id}', 'GET'],
      ['POST /carts/{id}/items', '/carts/{id}/items', 'POST'],
      ['GET', undefined, 'GET'],
      ['HTTP', undefined, '_OTHER'],
    ]);
  });
});
