/**
 * Issue 15, "nothing lost at unload or offline": every span that started reaches the collector or
 * the offline queue — with the collector up, down (connections reset) and hanging (no answer), for
 * a closed tab, a navigation and a reload. The page has a batch already sent (up), in retry (down)
 * or unanswered (hang), a 1 s fetch in flight and its page view open when it goes away; the next
 * page (the reloaded one for a reload) must deliver all of them, each exactly once.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { appOrigin, connect, openPage, otlpSeen, seen, setCollector, uniqueId, until } from './harness';
import type { CollectorMode } from './server';

type Exit = 'close' | 'navigation' | 'reload';

const CASES: Array<{ mode: CollectorMode; exit: Exit }> = (['up', 'down', 'hang'] as const).flatMap((mode) =>
  (['close', 'navigation', 'reload'] as const).map((exit) => ({ mode, exit })),
);

interface Ids {
  work: string;
  pageView: string;
}

const ids = (page: Page): Promise<Ids> =>
  page.evaluate(() => {
    const w = window as unknown as {
      results: { workSpanIds: string[] };
      wideline: { pageView: { spanContext(): { spanId: string } } };
    };
    return { work: w.results.workSpanIds[0] as string, pageView: w.wideline.pageView.spanContext().spanId };
  });

/** The state each mode leaves the first batch in before the page goes. */
async function settle(page: Page, mode: CollectorMode, work: string): Promise<void> {
  if (mode === 'up') await until(otlpSeen, (s) => s.counts[work] === 1);
  if (mode === 'down')
    await page.waitForFunction(
      () =>
        (window as unknown as { wideline: { stats(): { transport: { requestsRetried: number } } } }).wideline.stats()
          .transport.requestsRetried >= 1,
    );
  // A collector that has not answered for a second is not answering.
  if (mode === 'hang') await page.waitForTimeout(1200);
}

describe('nothing lost at unload', () => {
  afterEach(() => setCollector('up'));
  afterAll(async () => {
    await (await connect()).close();
  });

  it.each(CASES)(
    'collector $mode, $exit: the sent, retried or unanswered batch, the in-flight fetch and the page view each arrive once',
    async ({ mode, exit }) => {
      const id = uniqueId();
      // A long backoff: with the collector down, the first batch is still waiting to be retried at exit.
      const cfg = {
        id,
        service: `browser-unload-${mode}-${exit}-${id}`,
        endpoint: `${appOrigin()}/otlp`,
        backoffMs: 10_000,
      };
      const { page, context } = await openPage('/page', cfg);
      await setCollector(mode);
      await page.click('#work');
      const { work, pageView } = await ids(page);
      await settle(page, mode, work);
      await page.click('#slow');
      const slowRequest = await until(
        () => seen(id),
        (list) => list.some((r) => r.path === '/api/slow'),
      );
      const slow = String(slowRequest.find((r) => r.path === '/api/slow')?.headers.traceparent).split('-')[2] as string;

      const next = `${appOrigin()}/page?cfg=${encodeURIComponent(JSON.stringify(cfg))}`;
      if (exit === 'close') await page.close();
      if (exit === 'navigation') await page.goto(`${appOrigin()}/_seen?id=${id}`);
      if (exit === 'reload') await page.reload({ waitUntil: 'commit' });
      await setCollector('up');
      // The next page of the site sends what the last one left in storage.
      if (exit !== 'reload') await (exit === 'close' ? await context.newPage() : page).goto(next);

      const wanted = [work, pageView, slow];
      const arrived = await until(otlpSeen, (s) => wanted.every((spanId) => (s.counts[spanId] ?? 0) >= 1), 15_000);
      // Sent once each: a batch that went out is not sent again from storage.
      await new Promise((r) => setTimeout(r, 1500));
      const final = await otlpSeen();
      expect(wanted.map((spanId) => final.counts[spanId] ?? 0)).toEqual([1, 1, 1]);
      const slowSpan = arrived.spans.find((s) => s.spanId === slow);
      expect(slowSpan?.attributes['wideline.ended_by']).toBe('unload');
      expect(slowSpan?.attributes['http.response.status_code']).toBeUndefined();
      await context.close();
    },
  );
});
