import { waitForTrace } from '@wideline/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { appOrigin, connect, openPage, otlpSeen, uniqueId, until } from './harness';

/** Opens the page offline and clicks #work: its span waits in localStorage. */
async function workStoredOffline(cfg: Record<string, unknown>) {
  const { page, context } = await openPage('/page', cfg);
  await context.setOffline(true);
  await page.click('#work');
  await page.waitForFunction(() => (localStorage.getItem('wideline.queue') ?? '').includes('offline.work'));
  const { workSpanIds } = (await page.evaluate(() => (window as unknown as { results: object }).results)) as {
    workSpanIds: string[];
  };
  return { page, context, workSpanIds };
}

describe('export while offline', () => {
  afterAll(async () => {
    await (await connect()).close();
  });

  it('keeps spans in storage while offline and sends them once when back online, also across a reload', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/page', {
      id,
      service: `browser-offline-${id}`,
      // Through the site's OTLP proxy, which counts every span id that crosses it, then on to Jaeger.
      endpoint: `${appOrigin()}/otlp`,
    });
    await context.setOffline(true);
    await page.click('#work');
    await page.click('#work');
    // The flush ran while offline: the batch waits in localStorage, not in memory.
    await page.waitForFunction(() => (localStorage.getItem('wideline.queue') ?? '').includes('offline.work'));
    const { workSpanIds, workTraceId } = (await page.evaluate(
      () => (window as unknown as { results: object }).results,
    )) as { workSpanIds: string[]; workTraceId: string };
    expect(workSpanIds).toHaveLength(2);
    const before = await otlpSeen();
    expect(workSpanIds.map((spanId) => before.counts[spanId] ?? 0)).toEqual([0, 0]);

    await context.setOffline(false);
    const after = await until(otlpSeen, (seen) => workSpanIds.every((spanId) => seen.counts[spanId] === 1));
    expect(workSpanIds.map((spanId) => after.counts[spanId])).toEqual([1, 1]);
    // The stored batch is removed when the collector's answer arrives, a moment after the proxy saw it.
    await page.waitForFunction(() => localStorage.getItem('wideline.queue') === null, undefined, { timeout: 10_000 });

    // A reload drains whatever is stored; nothing is, so nothing is sent again.
    await page.reload();
    await page.waitForFunction(() => (window as { ready?: boolean }).ready === true);
    await page.waitForTimeout(1500);
    await page.goto('about:blank');
    const final = await otlpSeen();
    expect(workSpanIds.map((spanId) => final.counts[spanId])).toEqual([1, 1]);
    await context.close();

    const spans = await waitForTrace(workTraceId, 2);
    expect(spans.filter((s) => s.name === 'offline.work').length).toBeGreaterThanOrEqual(1);
  });

  it('leaves stored batches in storage when the browser comes online while the page unloads', async () => {
    const id = uniqueId();
    const cfg = { id, service: `browser-offline-race-${id}`, endpoint: `${appOrigin()}/otlp`, onlineAtPagehide: true };
    const { page, context, workSpanIds } = await workStoredOffline(cfg);
    await page.close();
    await context.setOffline(false);
    // A same-origin page without the SDK reads what storage holds now.
    const reader = await context.newPage();
    await reader.goto(`${appOrigin()}/_seen?id=${id}`);
    const stored = await reader.evaluate(() => localStorage.getItem('wideline.queue') ?? '');
    expect(stored).toContain(workSpanIds[0]);
    await context.close();
  });

  it('sends what an earlier page left in storage when the next page loads', async () => {
    const id = uniqueId();
    const cfg = { id, service: `browser-offline-reload-${id}`, endpoint: `${appOrigin()}/otlp` };
    const { page, context, workSpanIds } = await workStoredOffline(cfg);
    // The page goes away while still offline: its spans live on only in localStorage.
    await page.close();
    await context.setOffline(false);

    const next = await context.newPage();
    await next.goto(`${appOrigin()}/page?cfg=${encodeURIComponent(JSON.stringify(cfg))}`);
    // Sent by the next page's start-up drain (spans in storage belong to no page's own batches).
    // Bounded, generous wait: the whole suite runs in parallel on two cores in CI.
    const seen = await until(otlpSeen, (s) => (s.counts[workSpanIds[0] as string] ?? 0) >= 1, 15_000);
    expect(seen.counts[workSpanIds[0] as string]).toBe(1);
    // The queue entry is removed when the collector's answer arrives, a moment after the proxy saw it.
    await next.waitForFunction(() => localStorage.getItem('wideline.queue') === null, undefined, { timeout: 10_000 });
    expect((await otlpSeen()).counts[workSpanIds[0] as string]).toBe(1);
    await context.close();
  });
});
