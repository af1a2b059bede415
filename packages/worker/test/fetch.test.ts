import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { SpanStatusCode } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Env } from './fixtures/unit-worker';
import { named, PARENT_ID, parentId, reset, SpanKind, spans, TRACE_ID, TRACEPARENT, waitFor, worker } from './helpers';

/** Calls the instrumented handler directly, reads the body, and waits for the flush. */
async function call(path: string, init?: RequestInit): Promise<Response & { text: string }> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://edge.test${path}`, init), env as Env, ctx);
  const text = await response.text().catch(() => '');
  await waitOnExecutionContext(ctx);
  return Object.assign(response, { text });
}

beforeEach(() => reset());

describe('incoming fetch', () => {
  it('records one SERVER span with HTTP semantic conventions, continuing the caller', async () => {
    const response = await call('/hello?x=1', { headers: { traceparent: TRACEPARENT, 'user-agent': 'ua/1' } });
    expect(response.status).toBe(200);
    const [span] = spans();
    expect(spans()).toHaveLength(1);
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.name).toBe('GET');
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(parentId(span!)).toBe(PARENT_ID);
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': 'https://edge.test/hello?x=1',
      'url.path': '/hello',
      'url.query': 'x=1',
      'url.scheme': 'https',
      'server.address': 'edge.test',
      'user_agent.original': 'ua/1',
      'http.response.status_code': 200,
      'hello.greeting': 'hi',
    });
    expect(span?.resource.attributes['service.name']).toBe('unit-worker');
  });

  it('answers with a traceresponse naming its own span and the sampling decision', async () => {
    const response = await call('/hello', { headers: { traceparent: TRACEPARENT } });
    const [span] = spans();
    expect(response.headers.get('traceresponse')).toBe(`00-${TRACE_ID}-${span?.spanContext().spanId}-01`);
  });

  it('starts a new trace when the accept rule rejects the caller (untrusted origin)', async () => {
    await call('/hello', { headers: { traceparent: TRACEPARENT, origin: 'https://untrusted.test' } });
    const [span] = spans();
    expect(span?.spanContext().traceId).not.toBe(TRACE_ID);
    expect(parentId(span!)).toBeUndefined();
  });

  it('exports a request that did no I/O at all (flushed under waitUntil)', async () => {
    const response = await exports.default.fetch('https://edge.test/hello');
    expect(await response.text()).toBe('hello');
    // Well inside the batch processor's 1 s timer: the flush under waitUntil sent it, not the timer.
    const span = await waitFor(named('GET'), 400);
    expect(span.attributes['url.path']).toBe('/hello');
  });

  it('records a thrown error on the span and answers a 500 that carries traceresponse', async () => {
    const response = await call('/error', { headers: { traceparent: TRACEPARENT } });
    const [span] = spans();
    expect(response.status).toBe(500);
    expect(response.text).toBe('Internal Server Error');
    expect(response.headers.get('traceresponse')).toBe(`00-${TRACE_ID}-${span?.spanContext().spanId}-01`);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes).toMatchObject({ 'error.type': 'TypeError', 'http.response.status_code': 500 });
    expect(span?.events.find((e) => e.name === 'exception')?.attributes?.['exception.message']).toBe(
      'handler exploded',
    );
  });

  it('after passThroughOnException() a thrown error reaches the runtime, which sends the request to the origin', async () => {
    const ctx = createExecutionContext();
    await expect(worker.fetch(new Request('https://edge.test/error-pass-through'), env as Env, ctx)).rejects.toThrow(
      'origin takes it',
    );
    await waitOnExecutionContext(ctx);
    const [span] = spans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((e) => e.name)).toContain('exception');
  });

  it('marks 5xx responses as errors, but not 4xx', async () => {
    await call('/status?code=503');
    await call('/status?code=404');
    const [five, four] = spans();
    expect(five?.status.code).toBe(SpanStatusCode.ERROR);
    expect(five?.attributes['http.response.status_code']).toBe(503);
    expect(four?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('answers bodyless responses (204, HEAD) with a traceresponse and ends their spans', async () => {
    const empty = await call('/empty');
    const head = await call('/hello', { method: 'HEAD' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    expect(head.text).toBe('');
    const [first, second] = spans();
    expect(spans()).toHaveLength(2);
    expect(first?.attributes['http.response.status_code']).toBe(204);
    expect(second?.attributes['http.request.method']).toBe('HEAD');
    // New roots with random trace ids: sampled and random-trace-id (Trace Context Level 2), 03.
    expect(empty.headers.get('traceresponse')).toBe(
      `00-${first?.spanContext().traceId}-${first?.spanContext().spanId}-03`,
    );
    expect(head.headers.get('traceresponse')).toBe(
      `00-${second?.spanContext().traceId}-${second?.spanContext().spanId}-03`,
    );
  });

  it('ends a streamed response span only when the body has been sent', async () => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request('https://edge.test/stream'), env as Env, ctx);
    const returnedAt = Date.now();
    expect(spans()).toHaveLength(0);
    expect(await response.text()).toBe('abc');
    await waitOnExecutionContext(ctx);
    const [span] = spans();
    const endMs = span!.endTime[0] * 1000 + span!.endTime[1] / 1e6;
    // Three chunks 40 ms apart: the span covers them, not just the handler.
    expect(endMs).toBeGreaterThanOrEqual(returnedAt + 60);
    expect(response.headers.get('content-type')).toBe('text/plain');
  });
});

describe('outgoing fetch', () => {
  it('creates CLIENT spans and sends context only to allowlisted hosts and bindings', async () => {
    const response = await call('/outgoing', { headers: { traceparent: TRACEPARENT } });
    const seen = JSON.parse(response.text) as Record<string, { traceparent: string | null }>;
    expect(response.status).toBe(200);
    const server = spans().find((s) => s.kind === SpanKind.SERVER)!;
    const clients = spans().filter((s) => s.kind === SpanKind.CLIENT && parentId(s) === server.spanContext().spanId);
    expect(clients.map((s) => s.attributes['server.address'])).toEqual([
      'allowed.test',
      'api.allowed-wild.test',
      'other.test',
      'greeter',
    ]);
    for (const client of clients) {
      expect(client.spanContext().traceId).toBe(TRACE_ID);
      expect(client.attributes['http.response.status_code']).toBe(200);
    }
    expect(seen.allowed?.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(seen.wild?.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-`));
    expect(seen.other?.traceparent).toBeNull();
    expect(seen.bound?.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-`));
  });

  it('sends context to URL prefixes by path segment and to RegExps that match the full URL', async () => {
    const seen = JSON.parse((await call('/outgoing-targets')).text) as { url: string; traceparent: string | null }[];
    expect(seen.map((s) => [new URL(s.url).href, s.traceparent !== null])).toEqual([
      ['https://prefix.test/api/x', true],
      ['https://prefix.test/apiary', false],
      ['https://regex.test/traced/1', true],
      ['https://regex.test/other', false],
    ]);
  });

  it('puts the CLIENT span id in the traceparent the callee receives', async () => {
    const seen = JSON.parse((await call('/outgoing')).text) as Record<string, { traceparent: string }>;
    const allowed = spans().find((s) => s.attributes['server.address'] === 'allowed.test')!;
    expect(seen.allowed?.traceparent).toBe(`00-${allowed.spanContext().traceId}-${allowed.spanContext().spanId}-03`);
  });
});
