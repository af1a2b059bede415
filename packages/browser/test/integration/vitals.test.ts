import { requireStack, type StoredSpan, waitForTrace } from '@wideline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, openPage, seen, uniqueId, until } from './harness';

const JAEGER = 'http://localhost:4318';
const VITALS = ['lcp', 'fcp', 'ttfb', 'cls', 'inp'] as const;

interface Reported {
  theirs: Partial<Record<(typeof VITALS)[number], { value: number; rating: string }>>;
  shifts: Array<{ startTime: number; value: number; hadRecentInput: boolean }>;
}

/** Opens the vitals page under a trace of its own, runs `act`, leaves, and reads both sides back. */
async function visit(cfg: Record<string, unknown>, act: (page: import('playwright-core').Page) => Promise<void>) {
  const id = uniqueId();
  const traceId = `${'5'.repeat(8)}${id.padEnd(24, '0')}`;
  const { page, context, errors } = await openPage('/vitals', {
    ...cfg,
    id,
    service: `browser-vitals-${id}`,
    endpoint: JAEGER,
    traceparent: `00-${traceId}-${'6'.repeat(16)}-01`,
  });
  await act(page);
  // Leaving hides the page: web-vitals reports its final values (the beacon), Wideline ends the page view.
  await page.goto('about:blank');
  await context.close();
  const requests = await until(
    () => seen(id),
    (list) => list.some((r) => r.path === '/api/vitals'),
  );
  const beacon = requests.find((r) => r.path === '/api/vitals');
  expect(beacon, 'the page sent web-vitals’ values at hide').toBeDefined();
  const spans = await until(
    () => waitForTrace(traceId, 1),
    (list) => list.some((s) => s.name === 'page view'),
  );
  const pageView = spans.find((s) => s.name === 'page view') as StoredSpan;
  expect(pageView, 'the page view reached Jaeger').toBeDefined();
  expect(errors).toEqual([]);
  return { reported: JSON.parse(String(beacon?.body)) as Reported, ours: pageView.attributes };
}

/** Wideline's attribute for what web-vitals reported: CLS to 4 decimals, the others whole ms. */
const asAttribute = (name: string, value: number) =>
  name === 'cls' ? Math.round(value * 10_000) / 10_000 : Math.round(value);

describe('Core Web Vitals in real Chromium, against the web-vitals library on the same page', () => {
  beforeAll(async () => {
    await requireStack();
    await connect();
  });

  afterAll(async () => {
    await (await connect()).close();
  });

  it('equals web-vitals on a page with a late LCP, shifts in two windows and slow interactions', async () => {
    const { reported, ours } = await visit({}, async (page) => {
      await page.click('#slow');
      await page.click('#work');
      // Both sides have seen the slow click before the page goes away.
      await page.waitForFunction(() => {
        const w = window as unknown as { theirs: Reported['theirs']; ours: () => Record<string, number> };
        return (w.theirs.inp?.value ?? 0) >= 180 && (w.ours()['web_vital.inp'] ?? 0) >= 180;
      });
    });
    const { theirs, shifts } = reported;

    // The page did what the comparison needs: a shift after input, two windows of the others.
    const counted = shifts.filter((s) => !s.hadRecentInput);
    expect(shifts.some((s) => s.hadRecentInput)).toBe(true);
    expect(counted.length).toBeGreaterThanOrEqual(3);
    expect(counted.some((s, i) => i > 0 && s.startTime - (counted[i - 1]?.startTime ?? 0) >= 1000)).toBe(true);
    const total = counted.reduce((sum, s) => sum + s.value, 0);
    expect(theirs.cls?.value).toBeGreaterThan(0);
    expect(theirs.cls?.value).toBeLessThan(total);
    expect(theirs.lcp?.value).toBeGreaterThan(theirs.fcp?.value ?? 0);

    // Same entries, same definitions: the same value (after Wideline's rounding) and rating.
    for (const name of VITALS) {
      const their = theirs[name];
      expect(their, `web-vitals reported ${name}`).toBeDefined();
      expect(ours[`web_vital.${name}`], name).toBe(asAttribute(name, their?.value ?? Number.NaN));
      expect(ours[`web_vital.${name}.rating`], `${name}.rating`).toBe(their?.rating);
    }
    expect(ours['web_vital.inp']).toBeGreaterThanOrEqual(180);
  });

  it('on a page that never shifts and is never used: CLS 0 written as the page view ends, and no INP', async () => {
    const { reported, ours } = await visit({ quiet: true }, async () => undefined);
    expect(reported.shifts).toEqual([]);
    // Nothing shifted, so CLS was only written by the final hook: proof it ran before the span ended.
    expect(ours['web_vital.cls']).toBe(0);
    expect(ours['web_vital.cls']).toBe(reported.theirs.cls?.value);
    expect(ours['web_vital.cls.rating']).toBe('good');
    expect(ours['web_vital.inp']).toBeUndefined();
    expect(reported.theirs.inp).toBeUndefined();
    for (const name of ['lcp', 'fcp', 'ttfb'] as const)
      expect(ours[`web_vital.${name}`], name).toBe(asAttribute(name, reported.theirs[name]?.value ?? Number.NaN));
  });
});
