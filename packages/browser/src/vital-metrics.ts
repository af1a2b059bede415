/**
 * The arithmetic of the Core Web Vitals, written from their definitions (web.dev's metric pages, the
 * W3C Layout Instability and Event Timing specs): the ratings, CLS's session windows and which
 * interaction INP reports. Pure functions of the entries' fields; `vitals.ts` feeds them.
 *
 * @internal
 * @module
 */

/** A vital as named in its attribute, `web_vital.<name>`. */
export type VitalName = 'lcp' | 'inp' | 'cls' | 'fcp' | 'ttfb';

export type VitalRating = 'good' | 'needs-improvement' | 'poor';

/** The official thresholds (web.dev): good up to the first, poor above the second; ms, CLS unitless. */
const THRESHOLDS: Record<VitalName, readonly [good: number, poor: number]> = {
  lcp: [2500, 4000],
  inp: [200, 500],
  cls: [0.1, 0.25],
  fcp: [1800, 3000],
  ttfb: [800, 1800],
};

/** The rating of a vital's (unrounded) value. */
export function rateVital(name: VitalName, value: number): VitalRating {
  const [good, poor] = THRESHOLDS[name];
  return value > poor ? 'poor' : value > good ? 'needs-improvement' : 'good';
}

/** What CLS reads of a `layout-shift` entry. */
export interface LayoutShiftLike {
  startTime: number;
  value: number;
  /** True when the shift came within 500 ms of input: expected, so not counted. */
  hadRecentInput: boolean;
}

/**
 * CLS as a running value: the largest sum of layout-shift scores within one session window — shifts
 * less than 1 s after the one before, the window at most 5 s from its first shift — over shifts
 * without recent input. Each call adds a shift (in `startTime` order) and answers CLS so far.
 */
export function layoutShiftScore(): (shift: LayoutShiftLike) => number {
  let largest = 0;
  let sum = 0;
  let first = -Infinity;
  let last = -Infinity;
  return (shift) => {
    if (!shift.hadRecentInput) {
      if (shift.startTime - last >= 1000 || shift.startTime - first >= 5000) {
        sum = 0;
        first = shift.startTime;
      }
      sum += shift.value;
      last = shift.startTime;
      largest = Math.max(largest, sum);
    }
    return largest;
  };
}

/** What INP reads of an `event` or `first-input` entry. */
export interface InteractionEntryLike {
  /** Shared by the entries of one interaction (pointerdown, pointerup, click); 0 or absent for others. */
  interactionId?: number;
  duration: number;
}

/** Interactions kept: enough for one to be left out per 50 up to 500 interactions. */
const KEPT = 10;

/**
 * INP's candidates. An interaction's latency is the longest duration among its entries; INP is the
 * longest latency after leaving out one interaction per 50 the page had (so the highest below 50,
 * the second highest from 50 to 99, …), which with the ten longest kept holds up to 500
 * interactions and is the tenth longest beyond.
 */
export function interactionLatencies(): {
  add(entry: InteractionEntryLike): void;
  /** INP given the page's interaction count (default: the interactions added), or `undefined` before one. */
  value(count?: number): number | undefined;
} {
  const longest: Array<{ id: number; latency: number }> = [];
  const seen = new Set<number>();
  return {
    add({ interactionId: id, duration }) {
      if (!id) return;
      seen.add(id);
      const known = longest.find((interaction) => interaction.id === id);
      if (known) known.latency = Math.max(known.latency, duration);
      else longest.push({ id, latency: duration });
      longest.sort((a, b) => b.latency - a.latency);
      if (longest.length > KEPT) longest.length = KEPT;
    },
    value(count = seen.size) {
      return longest[Math.min(longest.length - 1, Math.floor(count / 50))]?.latency;
    },
  };
}
