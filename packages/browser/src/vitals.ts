/**
 * Core Web Vitals (LCP, INP, CLS, FCP, TTFB) from the `web-vitals` library, written onto the page
 * view as they settle (`web_vital.lcp`, `web_vital.lcp.rating`, …). The page view ends when the
 * page is first hidden, which is also when web-vitals reports final CLS and INP values; its
 * listeners are added first, so they run before the page view ends.
 *
 * @module
 */
import type { Span } from '@opentelemetry/api';
import { type MetricType, onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';
import type { BrowserFeature } from './feature';

/** Starts reporting vitals onto `pageView`. */
export function recordWebVitals(pageView: Span): void {
  const record = (metric: MetricType) => {
    try {
      const key = `web_vital.${metric.name.toLowerCase()}`;
      // CLS is unitless; the others are milliseconds.
      const value = metric.name === 'CLS' ? Math.round(metric.value * 10_000) / 10_000 : Math.round(metric.value);
      pageView.setAttribute(key, value);
      pageView.setAttribute(`${key}.rating`, metric.rating);
    } catch {
      // A late report on an ended span is harmless; nothing here may throw into the page.
    }
  };
  const options = { reportAllChanges: true };
  onLCP(record, options);
  onINP(record, options);
  onCLS(record, options);
  onFCP(record, options);
  onTTFB(record, options);
}

/** The web-vitals feature: LCP, INP, CLS, FCP and TTFB on the page view. Pass it after `pageLoad()`. */
export function webVitals(): BrowserFeature {
  return {
    name: 'webVitals',
    start(sdk) {
      if (sdk.pageView) recordWebVitals(sdk.pageView);
      return undefined;
    },
  };
}
