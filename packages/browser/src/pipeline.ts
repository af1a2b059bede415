/**
 * The export side of `initBrowser`: core's provider with the browser exporter, batches sized for the
 * keepalive budget, and the page-lifecycle hooks that make export survive the page — flush when the
 * page is hidden or unloaded (the last moments a page can still send), send the offline queue when
 * the browser comes back online and after every load.
 *
 * @internal
 * @module
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { WidelineConfigError, type WidelineTracing } from '@wideline/core';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_SESSION_ID,
  ATTR_TELEMETRY_SDK_LANGUAGE,
} from '@wideline/core/conventions';
import {
  BatchExportProcessor,
  createRedactor,
  headSampler,
  LocalRootProcessor,
  RedactingExporter,
  type ResolvedConfig,
  WidelineTracerProvider,
} from '@wideline/core/sdk';
import type { AmbientContextManager } from './context-manager';
import { BrowserOtlpExporter } from './exporter';
import type { BrowserOptions } from './init';
import { Session } from './session';

/** What `initBrowser` builds on. */
export interface Pipeline {
  tracing: WidelineTracing;
  exporter: BrowserOtlpExporter;
  session: Session | undefined;
  /** The traces URL (never traced itself). */
  endpoint: string;
  /** Runs `fn` once, the first time the page is hidden or unloaded, before the flush. */
  onPageHidden(fn: () => void): void;
  /** Removes the lifecycle listeners. */
  stop(): void;
}

function tracesUrl(options: BrowserOptions): string {
  const option = options.tracesEndpoint ? 'tracesEndpoint' : 'endpoint';
  const raw = options.tracesEndpoint ?? `${(options.endpoint ?? 'http://localhost:4318').replace(/\/$/, '')}/v1/traces`;
  try {
    const url = new URL(raw, globalThis.location?.href);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // Reported below.
  }
  throw new WidelineConfigError(option, `'${raw}' is not an http(s) URL`, 'give e.g. https://otel.example.com');
}

/**
 * Core's pipeline, assembled here rather than by `createTracing`: that function imports the Node/OTLP
 * exporter statically (about 30 KB gzip in a page bundle, measured), which a page never uses.
 *
 *   LocalRootProcessor → BatchExportProcessor → RedactingExporter → BrowserOtlpExporter
 */
export function startPipeline(options: BrowserOptions, manager: AmbientContextManager): Pipeline {
  if (typeof options.service !== 'string' || options.service.trim() === '') {
    throw new WidelineConfigError('service', 'is missing or empty', "name the page's service, e.g. service: 'web'");
  }
  const endpoint = tracesUrl(options);
  const session = options.session === false ? undefined : new Session(options.session);
  const redactor = options.redaction === false ? undefined : createRedactor(options.redaction);
  const exporter = new BrowserOtlpExporter({
    url: endpoint,
    ...(options.headers ? { headers: options.headers } : {}),
    ...options.export,
    fetch: globalThis.fetch.bind(globalThis),
    ...(session
      ? { stamp: (span) => ({ [ATTR_SESSION_ID]: session.idAt(span.startTime[0] * 1000 + span.startTime[1] / 1e6) }) }
      : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const batch = new BatchExportProcessor(redactor ? new RedactingExporter(exporter, redactor) : exporter, {
    maxQueueSize: 512,
    maxExportBatchSize: 100,
    // Estimated bytes; a batch must fit the 64 KiB keepalive budget with the resource attached.
    maxBatchBytes: 48 * 1024,
    scheduledDelayMs: 1000,
    exportTimeoutMs: 30_000,
    ...options.batch,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const resourceAttributes = {
    [ATTR_TELEMETRY_SDK_LANGUAGE]: 'webjs',
    ...options.resourceAttributes,
    [ATTR_SERVICE_NAME]: options.service,
    ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
    ...(options.environment ? { [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: options.environment } : {}),
  };
  // Core's provider: the SDK's, plus the Level 2 random-trace-id flag on new roots and continued traces.
  const provider = new WidelineTracerProvider({
    resource: resourceFromAttributes(resourceAttributes),
    sampler: headSampler(options.sampling?.head ?? {}),
    spanProcessors: [new LocalRootProcessor(), batch],
  });
  context.setGlobalContextManager(manager.enable());
  // Wideline's own fetch, XHR and WebSocket code formats headers directly; a global propagator is
  // for other instrumentations and costs bundle size, so it is opt-in.
  if (options.propagator) propagation.setGlobalPropagator(options.propagator);
  trace.setGlobalTracerProvider(provider);
  const config: ResolvedConfig = {
    disabled: false,
    serviceName: options.service,
    resourceAttributes,
    tracesEndpoint: endpoint,
    headers: options.headers ?? {},
    exportTimeoutMs: 30_000,
    batch: options.batch ?? {},
    head: options.sampling?.head ?? {},
    tail: false,
    redaction: options.redaction ?? {},
    wideEventLog: undefined,
    jaegerUiUrl: (options.jaegerUiUrl ?? 'http://localhost:16686').replace(/\/$/, ''),
  };
  let stopped: Promise<void> | undefined;
  const tracing: WidelineTracing = {
    config,
    provider,
    tracer: provider.getTracer(options.service),
    tailSampler: undefined,
    redactor,
    stats: () => ({ export: batch.stats(), tail: undefined }),
    forceFlush: () => provider.forceFlush().catch(() => undefined),
    shutdown: () => {
      stopped ??= provider.shutdown().catch(() => undefined);
      return stopped;
    },
  };
  const transport = exporter;

  const hiddenHooks: Array<() => void> = [];
  let hiddenOnce = false;
  let unloading = false;
  const onHide = () => {
    if (globalThis.document?.visibilityState === 'visible' && !unloading) return;
    if (!hiddenOnce) {
      hiddenOnce = true;
      for (const hook of hiddenHooks) hook();
    }
    transport.setUnloading(unloading);
    void tracing.forceFlush();
  };
  const onPageHide = () => {
    unloading = true;
    onHide();
  };
  const onShow = () => {
    unloading = false;
    transport.setUnloading(false);
    // Back from the back/forward cache: what waited in storage meanwhile can go now.
    transport.drainQueue();
  };
  const onOnline = () => transport.drainQueue();
  globalThis.addEventListener?.('visibilitychange', onHide);
  globalThis.addEventListener?.('pagehide', onPageHide);
  globalThis.addEventListener?.('pageshow', onShow);
  globalThis.addEventListener?.('online', onOnline);
  // Whatever an earlier page left in the queue goes out once this one has settled.
  setTimeout(() => transport.drainQueue(), 1000);

  return {
    tracing,
    exporter,
    session,
    endpoint,
    onPageHidden(fn) {
      hiddenHooks.push(fn);
    },
    stop() {
      globalThis.removeEventListener?.('visibilitychange', onHide);
      globalThis.removeEventListener?.('pagehide', onPageHide);
      globalThis.removeEventListener?.('pageshow', onShow);
      globalThis.removeEventListener?.('online', onOnline);
    },
  };
}
