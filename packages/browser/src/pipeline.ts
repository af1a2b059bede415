/**
 * The export side of the browser SDK: core's pipeline (`assembleTracing`, the one `createTracing`
 * uses) with the browser's exporter and context manager, batches sized for the keepalive budget,
 * and the page-lifecycle hooks that make export survive the page — flush when the page is hidden or
 * unloaded (the last moments a page can still send), send the offline queue when the browser comes
 * back online and after every load.
 *
 *   LocalRootProcessor → BatchExportProcessor → [RedactingExporter] → BrowserOtlpExporter
 *
 * @internal
 * @module
 */
import type { ContextManager } from '@opentelemetry/api';
import { WidelineConfigError, type WidelineTracing } from '@wideline/core';
import { ATTR_SESSION_ID, ATTR_TELEMETRY_SDK_LANGUAGE } from '@wideline/core/conventions';
import { assembleTracing, type ResolvedConfig, resolveOptions } from '@wideline/core/sdk';
import { BrowserOtlpExporter } from './exporter';
import type { BrowserParts } from './feature';
import type { BrowserOptions } from './init';

/** Batching for pages. A batch must fit the 64 KiB keepalive budget with the resource attached. */
const BROWSER_BATCH = { maxQueueSize: 512, maxExportBatchSize: 100, maxBatchBytes: 48 * 1024, scheduledDelayMs: 1000 };

/** Options a page may still pass from an older version, and what replaces each. */
const REMOVED_OPTIONS = [
  ['service', 'use serviceName'],
  ['propagator', "call @opentelemetry/api's propagation.setGlobalPropagator()"],
] as const;

/** An endpoint option relative to the page (`/otlp`) made absolute, as core's config wants it. */
function absolute(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(value, globalThis.location?.href).href.replace(/\/$/, '');
  } catch {
    return value; // core names the option and the fix
  }
}

/**
 * The shared options, read by core's `resolveOptions` (`resolveConfig` without its env reader) with
 * the page's defaults; the `env` option's variables only with the `envVariables()` feature, which
 * keeps their parsing out of pages that pass no env.
 */
export function browserConfig(options: BrowserOptions, parts: BrowserParts): ResolvedConfig {
  for (const [option, fix] of REMOVED_OPTIONS) {
    if (option in options) throw new WidelineConfigError(option, 'is no longer an option', fix);
  }
  if (options.env !== undefined && !parts.readEnv) {
    throw new WidelineConfigError('env', 'needs the envVariables() feature', 'add envVariables() to features');
  }
  const endpoint = absolute(options.endpoint);
  const tracesEndpoint = absolute(options.tracesEndpoint);
  return resolveOptions(
    {
      ...options,
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(tracesEndpoint !== undefined ? { tracesEndpoint } : {}),
      resourceAttributes: { [ATTR_TELEMETRY_SDK_LANGUAGE]: 'webjs', ...options.resourceAttributes },
      batch: { ...BROWSER_BATCH, ...options.batch },
    },
    options.env ?? {},
    parts.readEnv,
  );
}

/** Builds the pipeline on core's assembly from the parts the features supplied. */
export function startPipeline(
  config: ResolvedConfig,
  options: BrowserOptions,
  parts: BrowserParts,
  contextManager: ContextManager,
): { tracing: WidelineTracing; exporter: BrowserOtlpExporter } {
  if (config.redaction !== false && !parts.createRedactor) {
    throw new WidelineConfigError(
      'redaction',
      'has rules but no redaction() feature',
      'add redaction() to features, or set redaction: false',
    );
  }
  const { session } = parts;
  const exporter = new BrowserOtlpExporter({
    url: config.tracesEndpoint,
    headers: config.headers,
    timeoutMs: config.exportTimeoutMs,
    ...options.export,
    // No `fetch`: the exporter binds the one it finds now, before fetchSpans() patches it, so that
    // its own requests are never traced.
    queue: parts.offlineQueue,
    stamp:
      session && ((span) => ({ [ATTR_SESSION_ID]: session.idAt(span.startTime[0] * 1000 + span.startTime[1] / 1e6) })),
    onWarning: options.onWarning,
  });
  const redaction = config.redaction;
  const tracing = assembleTracing(config, {
    exporter,
    redactor: redaction === false ? undefined : parts.createRedactor?.(redaction),
    contextManager,
    onWarning: options.onWarning,
  });
  return { tracing, exporter };
}

/** The page-lifecycle hooks of the export. */
export interface Lifecycle {
  /** Runs `fn` once, the first time the page is hidden or unloaded, before the flush. */
  onPageHidden(fn: () => void): void;
  /** Runs `fn` at every `pagehide`, before the hidden hooks and the flush. */
  onUnload(fn: () => void): void;
  /** Removes the listeners. */
  stop(): void;
}

/**
 * Flushes when the page is hidden or unloaded, marks the transport as unloading at `pagehide`, and
 * drains the offline queue when the browser is back online, the page back from the back/forward
 * cache, and a second after every load (what an earlier page left goes out once this one settled).
 */
export function watchPageLifecycle(transport: BrowserOtlpExporter, tracing: WidelineTracing): Lifecycle {
  const hiddenHooks: Array<() => void> = [];
  const unloadHooks: Array<() => void> = [];
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
    for (const hook of unloadHooks) hook();
    onHide();
  };
  const onShow = () => {
    unloading = false;
    transport.setUnloading(false);
    transport.drainQueue();
  };
  const onOnline = () => transport.drainQueue();
  const listeners: Array<[string, () => void]> = [
    ['visibilitychange', onHide],
    ['pagehide', onPageHide],
    ['pageshow', onShow],
    ['online', onOnline],
  ];
  for (const [type, fn] of listeners) globalThis.addEventListener?.(type, fn);
  setTimeout(() => transport.drainQueue(), 1000);
  return {
    onPageHidden(fn) {
      hiddenHooks.push(fn);
    },
    onUnload(fn) {
      unloadHooks.push(fn);
    },
    stop() {
      for (const [type, fn] of listeners) globalThis.removeEventListener?.(type, fn);
    },
  };
}
