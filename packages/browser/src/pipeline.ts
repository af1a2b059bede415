/**
 * The export side of `initBrowser`: core's provider with the browser exporter, batches sized for the
 * keepalive budget, and the page-lifecycle hooks that make export survive the page — flush when the
 * page is hidden or unloaded (the last moments a page can still send), send the offline queue when
 * the browser comes back online and after every load.
 *
 * @internal
 * @module
 */
import { createTracing, type WidelineTracing } from '@wideline/core';
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
  /** Runs `fn` once, the first time the page is hidden or unloaded, before the flush. Returns the uninstaller. */
  onPageHidden(fn: () => void): () => void;
}

/** Sets up core's tracing with the browser exporter and the lifecycle flushes. */
export function startPipeline(options: BrowserOptions, manager: AmbientContextManager): Pipeline {
  const session = options.session === false ? undefined : new Session(options.session);
  let exporter: BrowserOtlpExporter | undefined;
  const tracing = createTracing({
    serviceName: options.service,
    ...(options.serviceVersion ? { serviceVersion: options.serviceVersion } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.tracesEndpoint ? { tracesEndpoint: options.tracesEndpoint } : {}),
    ...(options.sampling ? { sampling: options.sampling } : {}),
    ...(options.redaction !== undefined ? { redaction: options.redaction } : {}),
    ...(options.jaegerUiUrl ? { jaegerUiUrl: options.jaegerUiUrl } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    resourceAttributes: { 'telemetry.sdk.language': 'webjs', ...options.resourceAttributes },
    batch: {
      maxQueueSize: 512,
      maxExportBatchSize: 100,
      // Estimated bytes; a batch must fit the 64 KiB keepalive budget with the resource attached.
      maxBatchBytes: 48 * 1024,
      scheduledDelayMs: 1000,
      ...options.batch,
    },
    exportTimeoutMs: 30_000,
    contextManager: manager,
    // The exporter is built lazily below, once the endpoint is resolved by core's config.
    exporter: {
      export: (spans, done) => (exporter as BrowserOtlpExporter).export(spans, done),
      shutdown: () => exporter?.shutdown() ?? Promise.resolve(),
      forceFlush: () => Promise.resolve(),
    },
  });
  const endpoint = tracing.config.tracesEndpoint;
  exporter = new BrowserOtlpExporter({
    url: endpoint,
    headers: tracing.config.headers,
    ...options.export,
    fetch: globalThis.fetch.bind(globalThis),
    ...(session
      ? { stamp: (span) => ({ 'session.id': session.idAt(span.startTime[0] * 1000 + span.startTime[1] / 1e6) }) }
      : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const transport = exporter;

  const hiddenHooks: Array<() => void> = [];
  let hiddenOnce = false;
  const onHide = () => {
    if (globalThis.document?.visibilityState === 'visible' && !unloading) return;
    if (!hiddenOnce) {
      hiddenOnce = true;
      for (const hook of hiddenHooks) hook();
    }
    transport.setUnloading(unloading);
    void tracing.forceFlush();
  };
  let unloading = false;
  const onPageHide = () => {
    unloading = true;
    onHide();
  };
  const onShow = () => {
    unloading = false;
    transport.setUnloading(false);
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
      return () => {
        globalThis.removeEventListener?.('visibilitychange', onHide);
        globalThis.removeEventListener?.('pagehide', onPageHide);
        globalThis.removeEventListener?.('pageshow', onShow);
        globalThis.removeEventListener?.('online', onOnline);
      };
    },
  };
}
