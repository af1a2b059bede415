import { describe, expect, it } from 'vitest';
import { interactionLatencies, layoutShiftScore, rateVital, type VitalName } from '../src/vital-metrics';

describe('rateVital (web.dev thresholds: good up to the first, poor above the second)', () => {
  const table: Array<[VitalName, number, number]> = [
    ['lcp', 2500, 4000],
    ['inp', 200, 500],
    ['cls', 0.1, 0.25],
    ['fcp', 1800, 3000],
    ['ttfb', 800, 1800],
  ];
  it.each(table)('%s: good ≤ %d < needs-improvement ≤ %d < poor', (name, good, poor) => {
    const step = name === 'cls' ? 0.0001 : 1;
    expect(rateVital(name, 0)).toBe('good');
    expect(rateVital(name, good)).toBe('good');
    expect(rateVital(name, good + step)).toBe('needs-improvement');
    expect(rateVital(name, poor)).toBe('needs-improvement');
    expect(rateVital(name, poor + step)).toBe('poor');
  });
});

describe('layoutShiftScore (CLS: the largest session window)', () => {
  const shift = (startTime: number, value: number, hadRecentInput = false) => ({ startTime, value, hadRecentInput });
  const cls = (shifts: ReturnType<typeof shift>[]) => {
    const add = layoutShiftScore();
    let value = 0;
    for (const s of shifts) value = add(s);
    return value;
  };

  it('is 0 without shifts and the sum of shifts less than 1 s apart', () => {
    expect(cls([])).toBe(0);
    expect(cls([shift(100, 0.1), shift(600, 0.05), shift(1599, 0.02)])).toBeCloseTo(0.17, 10);
  });

  it('starts a new window after a gap of 1 s or more and keeps the largest', () => {
    // 0.1 + 0.05, then 1 s of quiet, then 0.2 alone: the second window is larger.
    expect(cls([shift(0, 0.1), shift(500, 0.05), shift(1500, 0.2)])).toBeCloseTo(0.2, 10);
    // The first window stays the answer when a later one is smaller.
    expect(cls([shift(0, 0.1), shift(500, 0.05), shift(1500, 0.01), shift(1600, 0.01)])).toBeCloseTo(0.15, 10);
  });

  it('closes a window 5 s after its first shift, however close the shifts', () => {
    // Shifts every 900 ms: 0 … 4500 are one window (6 × 0.01); 5400 is 5.4 s after 0, a new window.
    const shifts = [0, 900, 1800, 2700, 3600, 4500, 5400, 6300].map((t) => shift(t, 0.01));
    expect(cls(shifts)).toBeCloseTo(0.06, 10);
    // Exactly 5 s after the first shift is already outside the window.
    expect(
      cls([
        shift(0, 0.1),
        shift(900, 0.1),
        shift(1800, 0.1),
        shift(2700, 0.1),
        shift(3600, 0.1),
        shift(4500, 0.1),
        shift(5000, 0.3),
      ]),
    ).toBeCloseTo(0.6, 10);
  });

  it('leaves out shifts that had recent input, which neither add to nor extend a window', () => {
    expect(cls([shift(0, 0.3, true)])).toBe(0);
    // The input-driven shift at 800 does not bridge the gap from 0 to 1500.
    expect(cls([shift(0, 0.1), shift(800, 0.5, true), shift(1500, 0.05)])).toBeCloseTo(0.1, 10);
  });
});

describe('interactionLatencies (INP: one interaction left out per 50)', () => {
  const entry = (interactionId: number, duration: number) => ({ interactionId, duration });

  it('has no value before the first interaction, and ignores entries without an interaction id', () => {
    const inp = interactionLatencies();
    expect(inp.value()).toBeUndefined();
    inp.add({ duration: 300 });
    inp.add(entry(0, 300));
    expect(inp.value()).toBeUndefined();
  });

  it("takes an interaction's longest entry as its latency and the longest interaction below 50", () => {
    const inp = interactionLatencies();
    // pointerdown, pointerup and click of one interaction, then two more interactions.
    inp.add(entry(7, 48));
    inp.add(entry(7, 120));
    inp.add(entry(7, 96));
    inp.add(entry(14, 64));
    inp.add(entry(21, 104));
    expect(inp.value()).toBe(120);
    expect(inp.value(49)).toBe(120);
  });

  it('leaves out the highest at 50 interactions, the two highest at 100, and so on', () => {
    const inp = interactionLatencies();
    for (let i = 1; i <= 12; i++) inp.add(entry(i, i * 10));
    expect(inp.value(50)).toBe(110);
    expect(inp.value(99)).toBe(110);
    expect(inp.value(100)).toBe(100);
    expect(inp.value(499)).toBe(30);
    // Ten interactions are kept: beyond 500, the tenth longest.
    expect(inp.value(500)).toBe(30);
    expect(inp.value(5000)).toBe(30);
  });

  it('counts the interactions it was given when the page has no interaction count', () => {
    const inp = interactionLatencies();
    for (let i = 1; i <= 60; i++) inp.add(entry(i, i === 60 ? 900 : 50));
    // 60 interactions: the highest (900) is the one left out.
    expect(inp.value()).toBe(50);
  });

  it('answers the shortest it has when the count skips more interactions than were observed', () => {
    const inp = interactionLatencies();
    inp.add(entry(1, 200));
    inp.add(entry(2, 80));
    // 150 interactions would skip three, but only two were slow enough to be observed.
    expect(inp.value(150)).toBe(80);
  });
});
