import { requireStack, waitForTrace } from '@wideline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOrigin, connect, openPage, otherOrigin, seen, uniqueId, until } from './harness';

const JAEGER = 'http://localhost:4318';

describe('a page load and a click in real Chromium, read back from Jaeger', () => {
  beforeAll(async () => {
    await requireStack();
    await connect();
  });

  afterAll(async () => {
    await (await connect()).close();
  });

  it('puts page load, click and fetch in Jaeger and sends traceparent only where allowed', async () => {
    const id = uniqueId();
    const serverTrace = `00-${'1'.repeat(8)}${id.padEnd(24, '0')}-${'2'.repeat(16)}-01`;
    const { page, context, errors } = await openPage('/page', {
      id,
      service: `browser-it-${id}`,
      endpoint: JAEGER,
      traceparent: serverTrace,
      // The API origin is allowlisted; the third party (same host, other origin) is not.
      api: apiOrigin(),
      propagateTo: [apiOrigin()],
      thirdParty: otherOrigin(),
    });
    await page.click('#buy');
    await page.waitForFunction(() => (window as { results?: { done?: boolean } }).results?.done === true);
    const { clickTraceId } = (await page.evaluate(() => (window as unknown as { results: object }).results)) as {
      clickTraceId: string;
    };
    expect(clickTraceId).toMatch(/^[0-9a-f]{32}$/);

    // The server saw the traceparent of the fetch, in the click's trace.
    const requests = await until(
      () => seen(id),
      (list) => list.length >= 4,
    );
    const own = requests.find((r) => r.path === '/api/buy');
    // The click is a new root with a random trace id: sampled and random-trace-id, 03.
    expect(String(own?.headers.traceparent)).toMatch(new RegExp(`^00-${clickTraceId}-[0-9a-f]{16}-03$`));
    const xhr = requests.find((r) => r.path === '/api/xhr');
    expect(String(xhr?.headers.traceparent)).toMatch(new RegExp(`^00-${clickTraceId}-[0-9a-f]{16}-03$`));
    const third = requests.find((r) => r.path === '/api/third');
    expect(third).toBeDefined();
    expect(third?.headers.traceparent).toBeUndefined();
    expect(third?.headers.tracestate).toBeUndefined();

    // The CORS recipe at work: the allowlisted API origin got the header after a preflight.
    const cross = requests.find((r) => r.path === '/api/cross' && r.method === 'POST');
    expect(String(cross?.headers.traceparent)).toMatch(new RegExp(`^00-${clickTraceId}-`));

    // Leaving the page hides it: everything is flushed and the page view ends.
    await page.goto('about:blank');
    await context.close();

    const click = await waitForTrace(clickTraceId, 5);
    const clickSpan = click.find((s) => s.name === 'click button#buy');
    // CLIENT spans are named by the method (no URL template configured), never by the raw path.
    const request = (path: string) => click.find((s) => String(s.attributes['url.full']).endsWith(path));
    const buy = request('/api/buy');
    const thirdSpan = request('/api/third');
    const xhrSpan = request('/api/xhr');
    expect([buy?.name, thirdSpan?.name, xhrSpan?.name]).toEqual(['GET', 'GET', 'GET']);
    expect(xhrSpan?.parentSpanId).toBe(clickSpan?.spanId);
    expect(String(xhr?.headers.traceparent).split('-')[2]).toBe(xhrSpan?.spanId);
    expect(clickSpan?.parentSpanId).toBeUndefined();
    expect(buy?.parentSpanId).toBe(clickSpan?.spanId);
    expect(String(buy?.kind)).toMatch(/CLIENT|^3$/);
    expect(buy?.attributes['http.response.status_code']).toBe(200);
    expect(buy?.attributes['wideline.propagated']).toBe(true);
    expect(thirdSpan?.attributes['wideline.propagated']).toBe(false);
    expect(String(own?.headers.traceparent).split('-')[2]).toBe(buy?.spanId);
    const sessionId = clickSpan?.attributes['session.id'];
    expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(buy?.attributes['session.id']).toBe(sessionId);

    // The page-load trace continues the server's trace from <meta name="traceparent">.
    const serverTraceId = serverTrace.split('-')[1] as string;
    const load = await waitForTrace(serverTraceId, 4);
    const pageView = load.find((s) => s.name === 'page view');
    const documentLoad = load.find((s) => s.name === 'documentLoad');
    // documentLoad is the root of the load (it ends with it), the page view its long-lived child.
    expect(documentLoad?.parentSpanId).toBe('2'.repeat(16));
    expect(pageView?.parentSpanId).toBe(documentLoad?.spanId);
    expect(load.some((s) => s.name === 'documentFetch' && s.parentSpanId === documentLoad?.spanId)).toBe(true);
    expect(
      load.some((s) => s.name === 'resourceFetch' && String(s.attributes['url.full']).endsWith('/pixel.gif')),
    ).toBe(true);
    expect(documentLoad?.events.map((e) => e.name)).toEqual(expect.arrayContaining(['responseEnd', 'loadEventEnd']));
    expect(pageView?.attributes).toMatchObject({
      'wideline.route': '/page',
      'session.id': sessionId,
      'wideline.interactions': 1,
    });
    expect(pageView?.attributes['browser.viewport.width']).toBeGreaterThan(0);
    expect(pageView?.attributes['web_vital.ttfb']).toBeGreaterThanOrEqual(0);
    expect(pageView?.attributes['web_vital.fcp']).toBeGreaterThan(0);
    expect(pageView?.attributes['web_vital.lcp']).toBeGreaterThan(0);
    expect(pageView?.attributes['web_vital.cls']).toBeGreaterThanOrEqual(0);
    expect(pageView?.attributes['web_vital.lcp.rating']).toMatch(/good|needs-improvement|poor/);
    expect(errors.filter((e) => e.includes('wideline'))).toEqual([]);
  });
});
