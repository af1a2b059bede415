/**
 * Core Web Vitals (LCP, INP, CLS, FCP, TTFB) from the browser's performance entries, written onto
 * the page view as they change (`web_vital.lcp`, `web_vital.lcp.rating`, …; CLS to 4 decimals, the
 * others in whole milliseconds). Each entry type has a `buffered` PerformanceObserver, so what
 * happened before the SDK started counts too:
 *
 * - LCP: the last `largest-contentful-paint` entry before the first input and before the page was
 *   first hidden; FCP: the `first-contentful-paint` entry, unless the page was hidden before it;
 *   TTFB: the navigation's `responseStart`. All three from the page's activation (prerendering).
 * - CLS: the largest session window (vital-metrics.ts) of `layout-shift` entries; reported even
 *   when it is 0. INP: the interaction vital-metrics.ts picks among `event` entries of 40 ms and
 *   more and the `first-input` entry; none before the first interaction.
 *
 * The page view ends when the page is first hidden or unloaded (or at shutdown). The final values —
 * what the observers still hold (`takeRecords()`), and CLS even when nothing shifted — are taken in
 * a `beforePageViewEnds` hook, which the SDK runs right before it ends the page view, whatever ended
 * it. (Listeners of the page's own would not do: `pagehide` is dispatched at `window` itself, where
 * Chromium runs capture and bubble listeners in the order they were added, the lifecycle's first.)
 *
 * @module
 */
import type { Span } from '@opentelemetry/api';
import type { BrowserFeature } from './feature';
import { interactionLatencies, layoutShiftScore, rateVital, type VitalName } from './vital-metrics';

type Entry = PerformanceEntry & { value?: number; hadRecentInput?: boolean; interactionId?: number };

/** When the page was first hidden since activation (Infinity while it has not been). */
function firstHiddenTime(activationStart: number): number {
  const hidden = performance
    .getEntriesByType('visibility-state')
    .find((entry) => entry.name === 'hidden' && entry.startTime >= activationStart);
  if (hidden) return hidden.startTime;
  // Without visibility-state entries: hidden now means hidden from the start (a background tab),
  // except while prerendering, which is hidden by definition.
  return document.visibilityState === 'hidden' && !(document as { prerendering?: boolean }).prerendering ? 0 : Infinity;
}

/**
 * Starts recording vitals onto `pageView`; the returned function takes the final values and stops.
 * Call it before the page view ends.
 */
export function recordWebVitals(pageView: Span): () => void {
  const record = (name: VitalName, value: number) => {
    const key = `web_vital.${name}`;
    try {
      pageView.setAttributes({
        [key]: name === 'cls' ? Math.round(value * 10_000) / 10_000 : Math.round(value),
        [`${key}.rating`]: rateVital(name, value),
      });
    } catch {
      // Nothing here may throw into the page.
    }
  };
  const nav = performance.getEntriesByType('navigation')[0] as
    | (PerformanceNavigationTiming & { activationStart?: number })
    | undefined;
  const activationStart = nav?.activationStart ?? 0;
  const sinceActivation = (time: number) => Math.max(0, time - activationStart);
  const hiddenAt = firstHiddenTime(activationStart);
  let inputAt = Infinity;
  let cls = 0;
  const addShift = layoutShiftScore();
  const latencies = interactionLatencies();
  const interaction = (entry: Entry) => {
    latencies.add(entry);
    const inp = latencies.value((performance as { interactionCount?: number }).interactionCount);
    if (inp !== undefined) record('inp', inp);
  };
  const handlers: Record<string, (entry: Entry) => void> = {
    'largest-contentful-paint': (entry) => {
      if (entry.startTime < Math.min(hiddenAt, inputAt)) record('lcp', sinceActivation(entry.startTime));
    },
    paint: (entry) => {
      if (entry.name === 'first-contentful-paint' && entry.startTime < hiddenAt)
        record('fcp', sinceActivation(entry.startTime));
    },
    'layout-shift': (entry) => {
      cls = addShift(entry as Entry & { value: number; hadRecentInput: boolean });
      record('cls', cls);
    },
    event: interaction,
    'first-input': interaction,
  };
  const take = (entries: PerformanceEntryList) => {
    for (const entry of entries) handlers[entry.entryType]?.(entry);
  };
  const observers: PerformanceObserver[] = [];
  for (const type of Object.keys(handlers)) {
    if (!PerformanceObserver.supportedEntryTypes?.includes(type)) continue;
    try {
      const observer = new PerformanceObserver((list) => take(list.getEntries()));
      observer.observe({ type, buffered: true, ...(type === 'event' ? { durationThreshold: 40 } : {}) });
      observers.push(observer);
    } catch {
      // An entry type this browser lists but will not observe this way costs that vital only.
    }
  }
  if (nav && nav.responseStart > 0 && nav.responseStart <= performance.now())
    record('ttfb', sinceActivation(nav.responseStart));

  const onInput = (event: Event) => {
    if (event.isTrusted) inputAt = Math.min(inputAt, event.timeStamp);
  };
  const inputs = ['keydown', 'pointerdown'];
  for (const type of inputs) addEventListener(type, onInput, true);
  let finished = false;
  return () => {
    if (finished) return;
    finished = true;
    for (const observer of observers) {
      take(observer.takeRecords());
      observer.disconnect();
    }
    record('cls', cls);
    for (const type of inputs) removeEventListener(type, onInput, true);
  };
}

/** The web-vitals feature: LCP, INP, CLS, FCP and TTFB on the page view. Pass it after `pageLoad()`. */
export function webVitals(): BrowserFeature {
  return {
    name: 'webVitals',
    start(sdk) {
      if (!sdk.pageView || typeof PerformanceObserver !== 'function') return undefined;
      const finish = recordWebVitals(sdk.pageView);
      sdk.beforePageViewEnds(finish);
      return finish;
    },
  };
}
