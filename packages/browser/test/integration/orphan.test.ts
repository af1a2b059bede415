/**
 * Issue 12, "a tab that dies leaves an orphan": the page dies (its renderer crashes) after it
 * loaded and before it was ever hidden, so the page view never ends. What the page exported — the
 * page-load trace — must stand alone: no span whose parent never arrives.
 */
import { waitForTrace } from '@wideline/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { appOrigin, connect, openPage, otlpSeen, until } from './harness';

describe('a tab that dies before it is hidden', () => {
  afterAll(async () => {
    await (await connect()).close();
  });

  it('leaves a page-load trace without orphans, in the collector and in Jaeger', async () => {
    const id = crypto.randomUUID().slice(0, 8);
    const { page, context } = await openPage('/page', {
      id,
      service: `browser-orphan-${id}`,
      endpoint: `${appOrigin()}/otlp`,
    });
    const traceId = await page.evaluate(
      () =>
        (
          window as unknown as { wideline: { pageView: { spanContext(): { traceId: string } } } }
        ).wideline.pageView.spanContext().traceId,
    );
    // The load has been recorded and exported; then the renderer dies without pagehide.
    await until(otlpSeen, (s) => s.spans.some((span) => span.traceId === traceId && span.name === 'documentLoad'));
    const cdp = await context.newCDPSession(page);
    const crashed = new Promise((resolve) => page.once('crash', resolve));
    // Never answered: the renderer that would answer is gone.
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    await new Promise((r) => setTimeout(r, 1000));

    const exported = (await otlpSeen()).spans.filter((span) => span.traceId === traceId);
    const known = new Set(exported.map((span) => span.spanId));
    const orphans = exported.filter((span) => span.parentSpanId !== '' && !known.has(span.parentSpanId));
    expect(orphans.map((span) => span.name)).toEqual([]);
    expect(exported.find((span) => span.name === 'documentLoad')?.parentSpanId).toBe('');

    const stored = await waitForTrace(traceId, 2);
    const root = stored.find((span) => span.name === 'documentLoad');
    expect(root).toBeDefined();
    expect(root?.parentSpanId).toBeUndefined();
    await context.close();
  });
});
