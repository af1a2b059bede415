/**
 * The page-load trace. Its root is `documentLoad`, open from navigation start until the `load`
 * event has run, with navigation timing as events and, under it, `documentFetch`, one
 * `resourceFetch` per resource loaded before `load` and the requests made while the page loads.
 * The *page view* — the page's wide event: route, session, viewport, connection, the Core Web
 * Vitals as they settle — is a child of `documentLoad` that stays open until the page is first
 * hidden. So the load trace is whole as soon as the page has loaded: a tab that dies before it is
 * hidden loses its page view, but leaves no span whose parent never arrives. A
 * `<meta name="traceparent">` written by the server makes `documentLoad` a child of the server's
 * request, so one trace spans both.
 *
 * @internal
 * @module
 */
import { type Attributes, type Context, ROOT_CONTEXT, type Span, type Tracer, trace } from '@opentelemetry/api';
import { remoteContext } from '@wideline/core';
import {
  ATTR_BROWSER_LANGUAGE,
  ATTR_HTTP_RESPONSE_BODY_SIZE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_NETWORK_CONNECTION_SUBTYPE,
  ATTR_SESSION_ID,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_USER_AGENT_ORIGINAL,
} from '@wideline/core/conventions';
import type { ActivityTracker } from './activity';
import type { BrowserFeature } from './feature';

/** Resources recorded per page load at most; the rest are counted. */
const MAX_RESOURCES = 50;

const NAVIGATION_EVENTS = [
  'fetchStart',
  'domainLookupStart',
  'domainLookupEnd',
  'connectStart',
  'secureConnectionStart',
  'connectEnd',
  'requestStart',
  'responseStart',
  'responseEnd',
  'domInteractive',
  'domContentLoadedEventStart',
  'domContentLoadedEventEnd',
  'domComplete',
  'loadEventStart',
  'loadEventEnd',
] as const;

/** The server's trace context from `<meta name="traceparent">` (and `tracestate`), if valid. */
export function serverContext(doc: Document | undefined = globalThis.document): Context {
  // A missing tag or attribute is null, which remoteContext reads as no parent.
  const meta = (name: string) => doc?.querySelector(`meta[name="${name}"]`)?.getAttribute('content');
  return remoteContext(meta('traceparent'), meta('tracestate')) ?? ROOT_CONTEXT;
}

/** Fields of the page view known at start. */
export function pageViewAttributes(sessionId: string | undefined): Attributes {
  const attributes: Attributes = {
    [ATTR_URL_PATH]: globalThis.location?.pathname ?? '',
    'wideline.route': globalThis.location?.pathname ?? '',
    'browser.viewport.width': globalThis.innerWidth,
    'browser.viewport.height': globalThis.innerHeight,
    [ATTR_BROWSER_LANGUAGE]: globalThis.navigator?.language,
    [ATTR_USER_AGENT_ORIGINAL]: globalThis.navigator?.userAgent,
  };
  // The Network Information API (Chromium only): `4g`, `3g`, …
  const connection = (globalThis.navigator as Navigator & { connection?: { effectiveType?: string } }).connection
    ?.effectiveType;
  if (connection) attributes[ATTR_NETWORK_CONNECTION_SUBTYPE] = connection;
  if (sessionId) attributes[ATTR_SESSION_ID] = sessionId;
  if (globalThis.document?.referrer) attributes['wideline.referrer'] = globalThis.document.referrer.split('?')[0];
  return attributes;
}

/** Starts the page-load trace: `documentLoad` (the root) and the page view under it. */
export function startPageLoad(tracer: Tracer, sessionId: string | undefined): { load: Span; pageView: Span } {
  const load = tracer.startSpan(
    'documentLoad',
    { startTime: performance.timeOrigin, attributes: { [ATTR_URL_PATH]: globalThis.location?.pathname ?? '' } },
    serverContext(),
  );
  const pageView = tracer.startSpan(
    'page view',
    { startTime: performance.timeOrigin, attributes: pageViewAttributes(sessionId) },
    trace.setSpan(ROOT_CONTEXT, load),
  );
  return { load, pageView };
}

const at = (ms: number) => performance.timeOrigin + ms;

function recordDocumentLoad(tracer: Tracer, load: Span, ignored: (url: string) => boolean): void {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  // loadEventEnd is 0 until the load event has finished.
  const end = nav?.loadEventEnd || performance.now();
  const loadContext = trace.setSpan(ROOT_CONTEXT, load);
  if (nav) {
    for (const name of NAVIGATION_EVENTS) if (nav[name] > 0) load.addEvent(name, at(nav[name]));
    load.setAttributes({
      [ATTR_HTTP_RESPONSE_STATUS_CODE]:
        (nav as PerformanceNavigationTiming & { responseStatus?: number }).responseStatus ?? 0,
      [ATTR_HTTP_RESPONSE_BODY_SIZE]: nav.encodedBodySize,
      'wideline.navigation.type': nav.type,
    });
    tracer
      .startSpan(
        'documentFetch',
        { startTime: at(nav.fetchStart), attributes: { [ATTR_URL_FULL]: location.origin + location.pathname } },
        loadContext,
      )
      .end(at(nav.responseEnd || nav.fetchStart));
  }
  const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  const loadedBefore = resources.filter((entry) => entry.startTime <= end && !ignored(entry.name));
  for (const entry of loadedBefore.slice(0, MAX_RESOURCES)) {
    tracer
      .startSpan(
        'resourceFetch',
        {
          startTime: at(entry.startTime),
          attributes: {
            [ATTR_URL_FULL]: entry.name.split('?')[0] ?? entry.name,
            'wideline.resource.initiator': entry.initiatorType,
            [ATTR_HTTP_RESPONSE_BODY_SIZE]: entry.encodedBodySize,
          },
        },
        loadContext,
      )
      .end(at(entry.responseEnd || entry.startTime));
  }
  load.setAttribute('wideline.resources', resources.length);
  load.end(at(end));
}

/**
 * Ends `documentLoad` once the page has loaded (right away when it already has). It stays ambient
 * until then, so requests made while the page loads join the page-load trace.
 */
export function traceDocumentLoad(
  tracer: Tracer,
  activities: ActivityTracker,
  load: Span,
  ignored: (url: string) => boolean,
): void {
  const activity = activities.start(trace.setSpan(ROOT_CONTEXT, load), () => undefined, 'load');
  const release = activities.hold(activity);
  const done = () => {
    // loadEventEnd is filled in after the load handlers return.
    setTimeout(() => {
      try {
        recordDocumentLoad(tracer, load, ignored);
      } catch {
        // Timing APIs differ between browsers; a missing one costs the timings, not the span.
        load.end();
      } finally {
        release();
      }
    }, 0);
  };
  if (document.readyState === 'complete') done();
  else globalThis.addEventListener('load', done, { once: true });
}

/** The page-load feature: the page-load trace and the page view (see the module doc). */
export function pageLoad(): BrowserFeature {
  return {
    name: 'pageLoad',
    start(sdk) {
      if (typeof document === 'undefined') return undefined;
      const { load, pageView } = startPageLoad(sdk.tracer, sdk.sessionId());
      sdk.pageView = pageView;
      traceDocumentLoad(sdk.tracer, sdk.activities, load, sdk.requests.ignored);
      sdk.onPageHidden(() => sdk.endPageView());
      return () => sdk.endPageView();
    },
  };
}
