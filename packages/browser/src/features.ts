/**
 * The browser features as imports: pass the ones you use to `startBrowser`, and only those are in
 * your bundle. `initBrowser` uses {@link defaultFeatures}, which has them all but `envVariables()`.
 *
 * @example
 * import { fetchSpans, pageLoad, startBrowser } from '@wideline/browser';
 *
 * startBrowser({ serviceName: 'web', redaction: false, features: [fetchSpans(), pageLoad()] });
 * @module
 */
import { configFromEnv, createRedactor } from '@wideline/core/sdk';
import type { BrowserFeature } from './feature';
import { instrumentFetch } from './fetch';
import { type InteractionOptions, instrumentInteractions, instrumentNavigations } from './interactions';
import { type OfflineQueueOptions, offlineQueue } from './offline-queue';
import { pageLoad } from './page-load';
import { type SessionOptions, sessions } from './session';
import { webVitals } from './vitals';
import { instrumentXhr } from './xhr';

/** CLIENT spans for `fetch`, with trace headers to allowed origins. */
export function fetchSpans(): BrowserFeature {
  return { name: 'fetch', start: (sdk) => instrumentFetch(sdk.requests) };
}

/** CLIENT spans for `XMLHttpRequest`, with trace headers to allowed origins. */
export function xhrSpans(): BrowserFeature {
  return { name: 'xhr', start: (sdk) => instrumentXhr(sdk.requests) };
}

/** An interaction span per click and submit (or the events given); requests it causes are its children. */
export function interactions(options: InteractionOptions = {}): BrowserFeature {
  return {
    name: 'interactions',
    start: (sdk) =>
      instrumentInteractions(sdk.tracer, sdk.activities, options, {
        onInteraction: () => {
          sdk.sessionId();
          sdk.countOnPageView('wideline.interactions');
        },
      }),
  };
}

/** A navigation span per single-page route change (pushState, replaceState, back/forward, hash). */
export function navigations(): BrowserFeature {
  return {
    name: 'navigations',
    start: (sdk) =>
      instrumentNavigations(sdk.tracer, sdk.activities, {
        onNavigation: (_span, path) => {
          sdk.countOnPageView('wideline.navigations');
          sdk.pageView?.setAttribute('wideline.route', path);
        },
      }),
  };
}

/** Applies the `redaction` rules (core's deny list by default) to every span before export. */
export function redaction(): BrowserFeature {
  return {
    name: 'redaction',
    setup: (parts) => {
      parts.createRedactor = createRedactor;
    },
  };
}

/**
 * Reads the `OTEL_*` variables of the `env` option (`OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_TRACES_SAMPLER`, …: docs/options.md), as every runtime does; options still win. Not in
 * {@link defaultFeatures}: a page has no environment unless the bundler gives it one (Vite lets only
 * `VITE_` variables through unless `envPrefix` says otherwise), so the parsing is opt-in.
 *
 * @example
 * initBrowser({ env: import.meta.env, features: [...defaultFeatures(), envVariables()] });
 */
export function envVariables(): BrowserFeature {
  return {
    name: 'envVariables',
    setup: (parts) => {
      parts.readEnv = configFromEnv;
    },
  };
}

/** Options of {@link defaultFeatures}: per-feature options, or `false` to leave a feature out. */
export interface DefaultFeatureOptions {
  /** Default: localStorage, 30 min idle, 4 h at most. */
  session?: SessionOptions | false;
  /** Default: localStorage, 256 KiB, 50 requests, 24 h. */
  offlineQueue?: OfflineQueueOptions | false;
  /** Default: clicks and submits. */
  interactions?: InteractionOptions | false;
  navigations?: false;
  pageLoad?: false;
  webVitals?: false;
  fetch?: false;
  xhr?: false;
}

/**
 * Every feature but {@link envVariables}, in the order they start: sessions, redaction, the offline
 * queue, page load, web vitals, fetch, XHR, interactions, navigations. Leaving one out here keeps it
 * out of the SDK's work, not out of the bundle; for that, list the features you want instead.
 */
export function defaultFeatures(options: DefaultFeatureOptions = {}): BrowserFeature[] {
  const features: Array<BrowserFeature | false> = [
    options.session !== false && sessions(options.session),
    redaction(),
    options.offlineQueue !== false && offlineQueue(options.offlineQueue),
    options.pageLoad !== false && pageLoad(),
    options.pageLoad !== false && options.webVitals !== false && webVitals(),
    options.fetch !== false && fetchSpans(),
    options.xhr !== false && xhrSpans(),
    options.interactions !== false && interactions(options.interactions),
    options.navigations !== false && navigations(),
  ];
  return features.filter((feature): feature is BrowserFeature => feature !== false);
}
