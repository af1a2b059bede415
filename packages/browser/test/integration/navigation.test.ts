import { waitForTrace } from '@wideline/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, openPage, seen, uniqueId, until } from './harness';

describe('a single-page navigation', () => {
  afterAll(async () => {
    await (await connect()).close();
  });

  it('becomes a span in the click’s trace, and parents the requests of the new route', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/page', {
      id,
      service: `browser-nav-${id}`,
      endpoint: 'http://localhost:4318',
    });
    await page.click('#nav');
    await page.waitForFunction(() => (window as { results?: { navDone?: boolean } }).results?.navDone === true);
    const { navClickTraceId } = (await page.evaluate(() => (window as unknown as { results: object }).results)) as {
      navClickTraceId: string;
    };
    const [request] = await until(
      () => seen(id),
      (list) => list.length >= 1,
    );
    await page.goto('about:blank');
    await context.close();

    const spans = await waitForTrace(navClickTraceId, 3);
    const click = spans.find((s) => s.name === 'click button#nav');
    const navigation = spans.find((s) => s.name === 'navigation /page/checkout');
    const checkout = spans.find((s) => String(s.attributes['url.full']).endsWith('/api/checkout'));
    expect(navigation?.parentSpanId).toBe(click?.spanId);
    expect(navigation?.attributes).toMatchObject({
      'wideline.navigation.from': '/page',
      'wideline.navigation.trigger': 'pushState',
    });
    expect(checkout?.parentSpanId).toBe(navigation?.spanId);
    expect(String(request?.headers.traceparent).split('-')[2]).toBe(checkout?.spanId);
  });

  it('records a query-only pushState and a hash change as navigations, each with its trigger', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/page', {
      id,
      service: `browser-nav-query-${id}`,
      endpoint: 'http://localhost:4318',
    });
    type Active = { traceId: string; spanId: string } | undefined;
    const query = (await page.evaluate(() => {
      history.pushState({}, '', `${location.pathname}${location.search}&page=2`);
      return (window as unknown as { activeSpan: () => unknown }).activeSpan();
    })) as Active;
    const hash = (await page.evaluate(
      () =>
        new Promise<unknown>((resolve) => {
          addEventListener(
            'hashchange',
            () => resolve((window as unknown as { activeSpan: () => unknown }).activeSpan()),
            {
              once: true,
            },
          );
          location.hash = '#reviews';
        }),
    )) as Active;
    await page.goto('about:blank');
    await context.close();

    expect(query?.traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await waitForTrace(String(query?.traceId), 2);
    const byId = (spanId: string | undefined) => spans.find((s) => s.spanId === spanId);
    const describe = (spanId: string | undefined) => {
      const span = byId(spanId);
      return {
        name: span?.name,
        trigger: span?.attributes['wideline.navigation.trigger'],
        change: span?.attributes['wideline.navigation.change'],
      };
    };
    expect({ query: describe(query?.spanId), hash: describe(hash?.spanId) }).toEqual({
      query: { name: 'navigation /page', trigger: 'pushState', change: 'query' },
      hash: { name: 'hashchange /page', trigger: 'hashchange', change: 'hash' },
    });
  });
});
