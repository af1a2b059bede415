/**
 * `initBrowser`: one call that sets up tracing for a page on top of `@wideline/core`.
 *
 * @example
 * import { initBrowser } from '@wideline/browser';
 *
 * const browser = initBrowser({
 *   service: 'web',
 *   endpoint: 'https://otel.example.com',
 *   propagateTo: ['https://api.example.com'],
 * });
 * @module
 */
import type { Span, SpanContext, TextMapPropagator, Tracer } from '@opentelemetry/api';
import type { WidelineTracing } from '@wideline/core';
import type { HeadSamplingOptions, PropagateTo, RedactionOptions } from '@wideline/core/sdk';
import { type ActivityOptions, ActivityTracker } from './activity';
import { type PropagationTarget, propagationAllowlist } from './allowlist';
import { AmbientContextManager } from './context-manager';
import { type ErrorTracking, trackErrors } from './errors';
import type { TransportStats } from './exporter';
import { instrumentFetch } from './fetch';
import { type InteractionOptions, instrumentInteractions, instrumentNavigations } from './interactions';
import type { OfflineQueueOptions } from './offline-queue';
import { startPageView, traceDocumentLoad } from './page-load';
import { startPipeline } from './pipeline';
import type { SessionOptions } from './session';
import { type UrlTemplates, urlTemplateMatcher } from './url-template';
import { recordWebVitals } from './vitals';
import { type TracedWebSocket, type TraceWebSocketOptions, wrapWebSocket } from './websocket';
import { instrumentXhr } from './xhr';

/** Options of {@link initBrowser}. Every field but `service` has a default. */
export interface BrowserOptions {
  /** `service.name` of the page, e.g. `web`. */
  service: string;
  serviceVersion?: string;
  environment?: string;
  /** OTLP/HTTP base URL (`/v1/traces` is appended). Default `http://localhost:4318`. */
  endpoint?: string;
  /** Full traces URL, used as is (wins over `endpoint`). */
  tracesEndpoint?: string;
  /** Headers on export requests; each must be allowed by the collector's CORS. */
  headers?: Record<string, string>;
  /**
   * Hosts, origins, URL prefixes (by path segment) or patterns that receive trace headers, besides
   * the page's own origin: core's `createTargetMatcher` grammar. Default none.
   */
  propagateTo?: PropagateTo;
  /** Send trace headers to the page's own origin. Default `true`. */
  propagateToSameOrigin?: boolean;
  /**
   * More headers for allowed origins, derived from the request span, e.g. core's `sentryTraceHeaders`
   * for a Sentry SDK on the server (`sentry-trace` + `baggage`). Default none.
   */
  extraTraceHeaders?: (spanContext: SpanContext) => Record<string, string>;
  /**
   * A propagator to register globally for other OpenTelemetry instrumentations, e.g.
   * `new W3CPropagator()` from `@wideline/core`. Wideline's own instrumentations do not need one.
   * Default none (it is opt-in for bundle size).
   */
  propagator?: TextMapPropagator;
  /**
   * The shapes of the API's paths (`['/api/orders/{id}']`, or a function from URL to template), which
   * name CLIENT spans `GET /api/orders/{id}` and set `url.template`. Default none: spans are named by
   * the method alone (`GET`), as the semantic conventions ask when no template is known.
   */
  urlTemplates?: UrlTemplates;
  /** URLs never traced (the OTLP endpoint and Sentry intake are always ignored). */
  ignoreUrls?: readonly PropagationTarget[];
  /**
   * Head sampling, as in `@wideline/core` (decided per interaction, from the trace id, so servers
   * with the same ratio agree). Default: keep everything. Tail sampling belongs on the server side.
   */
  sampling?: { head?: HeadSamplingOptions };
  /** Session id options, or `false` for none. Default: localStorage, 30 min idle, 4 h max. */
  session?: SessionOptions | false;
  /** When interactions and navigations end. Default: 500 ms idle, 30 s at most. */
  activity?: ActivityOptions;
  /** Interaction spans, or `false`. Default: clicks and submits. */
  interactions?: InteractionOptions | false;
  /** Record single-page navigations. Default `true`. */
  navigations?: boolean;
  /** Record the page view and document load. Default `true`. */
  pageLoad?: boolean;
  /** Record Core Web Vitals on the page view. Default `true`. */
  webVitals?: boolean;
  /** Trace `fetch` / `XMLHttpRequest`. Default `true` each. */
  fetch?: boolean;
  xhr?: boolean;
  /** Export retries and the offline queue. Default: 3 retries from 500 ms, queue on (256 KiB). */
  export?: { maxRetries?: number; backoffMs?: number; maxPending?: number; offlineQueue?: OfflineQueueOptions | false };
  /** Span queue and batching. Default: 512 spans queued, batches of ≤ 100 spans and ≤ 48 KiB, 1 s delay. */
  batch?: { maxQueueSize?: number; maxExportBatchSize?: number; maxBatchBytes?: number; scheduledDelayMs?: number };
  /** Attribute redaction, as in core. Default: core's deny list. */
  redaction?: RedactionOptions | false;
  /** Jaeger UI base URL for links (Sentry). Default `http://localhost:16686`. */
  jaegerUiUrl?: string;
  /** More resource attributes. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /** One warning per kind of trouble. Default `console.warn`. */
  onWarning?: (message: string) => void;
}

/** A running browser SDK. */
export interface BrowserTracing {
  readonly tracing: WidelineTracing;
  readonly tracer: Tracer;
  /** The page view span (the page's wide event), when page-load tracing is on. */
  readonly pageView: Span | undefined;
  /** The session id now (`undefined` when sessions are off). */
  sessionId(): string | undefined;
  /** The span context an error belongs to: its own (core's `recordError`), else the active span, else the page view. */
  errorSpanContext(error?: unknown): SpanContext | undefined;
  /** Uncaught errors and unhandled rejections, recorded on their spans (the Sentry integration records its events here). */
  readonly errors: ErrorTracking;
  /** Wraps a WebSocket so its JSON messages carry trace context. */
  traceWebSocket(socket: WebSocket, options?: TraceWebSocketOptions): TracedWebSocket;
  /** Counters of the span pipeline and the transport. */
  stats(): ReturnType<WidelineTracing['stats']> & { transport: TransportStats };
  /** Sends everything finished so far. */
  flush(): Promise<void>;
  /** Removes the patches and flushes. Runs once. */
  shutdown(): Promise<void>;
}

/**
 * Starts browser tracing. Call once, as early as possible (before the app's first fetch). Calling
 * it again returns the running instance. Option mistakes throw `WidelineConfigError` right away.
 */
export function initBrowser(options: BrowserOptions): BrowserTracing {
  const running = (globalThis as { [RUNNING]?: BrowserTracing })[RUNNING];
  if (running) return running;
  const manager = new AmbientContextManager();
  const activities = new ActivityTracker(manager, options.activity);
  const pipeline = startPipeline(options, manager);
  const { tracing, exporter, session, endpoint } = pipeline;
  const tracer = tracing.tracer;
  const ignore = propagationAllowlist([endpoint, /\/api\/\d+\/envelope\//, ...(options.ignoreUrls ?? [])], {
    sameOrigin: false,
    option: 'ignoreUrls',
  });
  const deps = {
    tracer,
    activities,
    allowed: propagationAllowlist(options.propagateTo ?? [], { sameOrigin: options.propagateToSameOrigin ?? true }),
    ignored: ignore,
    urlTemplate: urlTemplateMatcher(options.urlTemplates),
    ...(options.extraTraceHeaders ? { extraHeaders: options.extraTraceHeaders } : {}),
  };
  const undo: Array<() => void> = [];
  let pageView: Span | undefined;
  const counts: Record<string, number> = {};
  const countOnPageView = (key: string) => {
    if (!pageView?.isRecording()) return;
    counts[key] = (counts[key] ?? 0) + 1;
    pageView.setAttribute(key, counts[key]);
  };
  if (options.pageLoad !== false && typeof document !== 'undefined') {
    pageView = startPageView(tracer, session?.id());
    if (options.webVitals !== false) recordWebVitals(pageView);
    traceDocumentLoad(tracer, activities, pageView, ignore);
  }
  const errors = trackErrors({ tracer, pageView: () => pageView });
  undo.push(errors.stop);
  if (options.fetch !== false) undo.push(instrumentFetch(deps));
  if (options.xhr !== false) undo.push(instrumentXhr(deps));
  const hooks = {
    onInteraction: () => {
      session?.id();
      countOnPageView('wideline.interactions');
    },
    onNavigation: (_span: Span, path: string) => {
      countOnPageView('wideline.navigations');
      pageView?.setAttribute('wideline.route', path);
    },
  };
  if (options.interactions !== false)
    undo.push(instrumentInteractions(tracer, activities, options.interactions || {}, hooks));
  if (options.navigations !== false) undo.push(instrumentNavigations(tracer, activities, hooks));
  pipeline.onPageHidden(() => {
    // Final vitals were reported by web-vitals' own listeners, which ran first.
    activities.endAll('hidden');
    pageView?.end();
  });
  undo.push(pipeline.stop);

  let stopped: Promise<void> | undefined;
  const instance: BrowserTracing = {
    tracing,
    tracer,
    pageView,
    sessionId: () => session?.id(),
    errorSpanContext: (error) => errors.spanContextFor(error),
    errors,
    traceWebSocket: (socket, wsOptions) => wrapWebSocket({ tracer }, socket, wsOptions),
    stats: () => ({ ...tracing.stats(), transport: exporter.stats() }),
    flush: () => tracing.forceFlush(),
    shutdown() {
      stopped ??= (async () => {
        for (const fn of undo.reverse()) fn();
        activities.endAll('hidden');
        pageView?.end();
        await tracing.shutdown();
        manager.disable();
        delete (globalThis as { [RUNNING]?: BrowserTracing })[RUNNING];
      })();
      return stopped;
    },
  };
  (globalThis as { [RUNNING]?: BrowserTracing })[RUNNING] = instance;
  return instance;
}

const RUNNING = Symbol.for('wideline.browser');
