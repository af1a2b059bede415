/**
 * `initBrowser`: one call that sets up tracing for a page with every feature; `startBrowser`: the
 * same with only the features you pass, so the others stay out of your bundle.
 *
 * @example
 * import { initBrowser } from '@wideline/browser';
 *
 * const browser = initBrowser({
 *   serviceName: 'web',
 *   endpoint: 'https://otel.example.com',
 *   propagateTo: ['https://api.example.com'],
 * });
 * @module
 */
import type { Span, SpanContext, Tracer } from '@opentelemetry/api';
import type { WidelineOptions, WidelineTracing } from '@wideline/core';
import type { HeadSamplingOptions, PropagateTo } from '@wideline/core/sdk';
import { type ActivityOptions, ActivityTracker } from './activity';
import { type PropagationTarget, propagationAllowlist } from './allowlist';
import type { HttpInstrumentationDeps } from './client-span';
import { AmbientContextManager } from './context-manager';
import { type ErrorTracking, trackErrors } from './errors';
import type { BrowserExporterOptions, TransportStats } from './exporter';
import type { BrowserFeature, BrowserParts, FeatureContext } from './feature';
import { defaultFeatures } from './features';
import { trackOpenSpans } from './open-requests';
import { browserConfig, type Lifecycle, startPipeline, watchPageLifecycle } from './pipeline';
import { runningBrowser, setRunningBrowser } from './running';
import { setTraceHeaderHooks, type TraceHeaderHook } from './trace-headers';
import { type UrlTemplates, urlTemplateMatcher } from './url-template';

/**
 * Options of {@link startBrowser} and {@link initBrowser}. The shared ones (`serviceName`,
 * `endpoint`, `headers`, `sampling.head`, `redaction`, `env`, …) mean what they mean in every
 * Wideline runtime and are read by core's `resolveOptions`; the `OTEL_*` variables of `env` (e.g.
 * Vite's `import.meta.env`) with the `envVariables()` feature. docs/options.md lists them. The browser's own defaults:
 * `batch` 512 spans queued, batches of ≤ 100 spans and ≤ 48 KiB, 1 s delay (the keepalive budget).
 */
export interface BrowserOptions
  extends Pick<
    WidelineOptions,
    | 'serviceName'
    | 'serviceVersion'
    | 'environment'
    | 'resourceAttributes'
    | 'endpoint'
    | 'tracesEndpoint'
    | 'headers'
    | 'exportTimeoutMs'
    | 'batch'
    | 'redaction'
    | 'jaegerUiUrl'
    | 'env'
    | 'onWarning'
  > {
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
   * The shapes of the API's paths (`['/api/orders/{id}']`, or a function from URL to template), which
   * name CLIENT spans `GET /api/orders/{id}` and set `url.template`. Default none: spans are named by
   * the method alone (`GET`), as the semantic conventions ask when no template is known.
   */
  urlTemplates?: UrlTemplates;
  /** URLs never traced (the OTLP endpoint and Sentry intake are always ignored). */
  ignoreUrls?: readonly PropagationTarget[];
  /**
   * Head sampling, as in every runtime (decided per interaction, from the trace id, so servers with
   * the same ratio agree). Default: `OTEL_TRACES_SAMPLER` from `env`, else keep everything.
   */
  sampling?: { head?: HeadSamplingOptions };
  /** When interactions and navigations end. Default: 500 ms idle, 30 s at most. */
  activity?: ActivityOptions;
  /** Export retries. Default: 3 retries from 500 ms, 16 requests pending at most. */
  export?: Pick<BrowserExporterOptions, 'maxRetries' | 'backoffMs' | 'maxPending'>;
  /** The features to run. `initBrowser`: {@link defaultFeatures}; `startBrowser`: none. */
  features?: readonly BrowserFeature[];
}

/** A running browser SDK. */
export interface BrowserTracing {
  readonly tracing: WidelineTracing;
  readonly tracer: Tracer;
  /** The page view span (the page's wide event), with the page-load feature. */
  readonly pageView: Span | undefined;
  /** The session id now (`undefined` without the session feature). */
  sessionId(): string | undefined;
  /** The span context an error belongs to: its own (core's `recordError`), else the active span, else the page view. */
  errorSpanContext(error?: unknown): SpanContext | undefined;
  /** Uncaught errors and unhandled rejections, recorded on their spans (the Sentry integration records its events here). */
  readonly errors: ErrorTracking;
  /** Counters of the span pipeline and the transport. */
  stats(): ReturnType<WidelineTracing['stats']> & { transport: TransportStats };
  /** Sends everything finished so far. */
  flush(): Promise<void>;
  /** Removes the patches and flushes. Runs once. */
  shutdown(): Promise<void>;
}

/**
 * Starts browser tracing with every feature ({@link defaultFeatures}). Call once, as early as
 * possible (before the app's first fetch); calling it again returns the running instance. Option
 * mistakes throw `WidelineConfigError` right away.
 */
export function initBrowser(options: BrowserOptions): BrowserTracing {
  return startBrowser({ ...options, features: options.features ?? defaultFeatures() });
}

/** Like {@link initBrowser}, with only the features in `options.features` (none by default). */
export function startBrowser(options: BrowserOptions): BrowserTracing {
  const running = runningBrowser();
  if (running) return running;
  const features = options.features ?? [];
  const parts: BrowserParts = {};
  for (const feature of features) feature.setup?.(parts);
  const config = browserConfig(options, parts);
  const manager = new AmbientContextManager();
  const { tracing, exporter } = startPipeline(config, options, parts, manager);
  const lifecycle = watchPageLifecycle(exporter, tracing);
  const activities = new ActivityTracker(manager, options.activity);
  // Request spans still open at pagehide end there (see open-requests.ts).
  const openRequests = trackOpenSpans(tracing.tracer);
  lifecycle.onUnload(() => openRequests.endAtUnload());
  const headerHooks = new Set<TraceHeaderHook>();
  const requests = { ...requestDeps(options, config.tracesEndpoint, openRequests.tracer, activities), headerHooks };
  const sdk = featureContext(tracing.tracer, requests, parts, lifecycle);
  const undo: Array<() => void> = [lifecycle.stop];
  for (const feature of features) {
    const stop = feature.start?.(sdk);
    if (stop) undo.push(stop);
  }
  // Errors are not a feature: every page records its uncaught errors on the span they belong to.
  const errors = trackErrors({ tracer: tracing.tracer, pageView: () => sdk.pageView });
  undo.push(errors.stop);
  lifecycle.onPageHidden(() => activities.endAll('hidden'));
  const instance = runningInstance(tracing, exporter, sdk, manager, errors, undo);
  setTraceHeaderHooks(instance, headerHooks);
  setRunningBrowser(instance);
  return instance;
}

/** What fetch, XHR and WebSocket instrumentations need: which URLs get headers, which are never traced. */
function requestDeps(
  options: BrowserOptions,
  tracesEndpoint: string,
  tracer: Tracer,
  activities: ActivityTracker,
): HttpInstrumentationDeps {
  return {
    tracer,
    activities,
    allowed: propagationAllowlist(options.propagateTo ?? [], { sameOrigin: options.propagateToSameOrigin ?? true }),
    ignored: propagationAllowlist([tracesEndpoint, /\/api\/\d+\/envelope\//, ...(options.ignoreUrls ?? [])], {
      sameOrigin: false,
      option: 'ignoreUrls',
    }),
    urlTemplate: urlTemplateMatcher(options.urlTemplates),
    extraHeaders: options.extraTraceHeaders,
  };
}

function featureContext(
  tracer: Tracer,
  requests: HttpInstrumentationDeps,
  parts: BrowserParts,
  lifecycle: Lifecycle,
): FeatureContext {
  const counts: Record<string, number> = {};
  const beforePageViewEnds: Array<() => void> = [];
  const sdk: FeatureContext = {
    tracer,
    activities: requests.activities,
    requests,
    pageView: undefined,
    sessionId: () => parts.session?.id(),
    countOnPageView(key) {
      if (!sdk.pageView?.isRecording()) return;
      counts[key] = (counts[key] ?? 0) + 1;
      sdk.pageView.setAttribute(key, counts[key]);
    },
    onPageHidden: (fn) => lifecycle.onPageHidden(fn),
    beforePageViewEnds: (fn) => {
      beforePageViewEnds.push(fn);
    },
    endPageView() {
      for (const fn of beforePageViewEnds.splice(0)) fn();
      sdk.pageView?.end();
    },
  };
  return sdk;
}

function runningInstance(
  tracing: WidelineTracing,
  exporter: { stats(): TransportStats },
  sdk: FeatureContext,
  manager: AmbientContextManager,
  errors: ErrorTracking,
  undo: Array<() => void>,
): BrowserTracing {
  let stopped: Promise<void> | undefined;
  return {
    tracing,
    tracer: tracing.tracer,
    get pageView() {
      return sdk.pageView;
    },
    sessionId: () => sdk.sessionId(),
    errorSpanContext: (error) => errors.spanContextFor(error),
    errors,
    stats: () => ({ ...tracing.stats(), transport: exporter.stats() }),
    flush: () => tracing.forceFlush(),
    shutdown() {
      stopped ??= (async () => {
        for (const fn of undo.reverse()) fn();
        sdk.activities.endAll('hidden');
        await tracing.shutdown();
        manager.disable();
        setRunningBrowser(undefined);
      })();
      return stopped;
    },
  };
}
