/**
 * Assembles Wideline's tracer provider: one provider, one export pipeline, owned by Wideline. Runtime
 * neutral; Node services usually call `createNodeTracing` from `@wideline/core/node`.
 *
 *   LocalRootProcessor → [WideEventLogProcessor] → [TailSamplingProcessor] → BatchExportProcessor
 *                                                                              → RedactingExporter → OTLP/HTTP JSON
 *
 * @example
 * import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
 * import { createTracing } from '@wideline/core';
 *
 * const tracing = createTracing({
 *   serviceName: 'jobs',
 *   env: process.env,
 *   contextManager: new AsyncLocalStorageContextManager(),
 *   sampling: { tail: { slowMs: 500, probability: 0.1 } },
 * });
 * tracing.tracer.startActiveSpan('work', (span) => span.end());
 * await tracing.shutdown();
 * @module
 */
import { type ContextManager, context, propagation, type Tracer, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import {
  AlwaysOffSampler,
  type IdGenerator,
  type SpanExporter,
  type SpanLimits,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type ResolvedConfig, type RuntimeDefaults, resolveConfig, type WidelineOptions } from './config';
import { BatchExportProcessor, type ExportStats } from './export-processor';
import { FetchSpanExporter } from './fetch-exporter';
import { LocalRootProcessor } from './local-root';
import { W3CPropagator } from './propagation';
import { createRedactor, type Redactor } from './redact';
import { RedactingExporter } from './redacting-exporter';
import { headSampler } from './sampling';
import { TailSamplingProcessor, type TailStats } from './tail-sampling';
import { type EarlyDrops, earlyDrops, WidelineTracerProvider } from './tracer-provider';
import type { WarningHandler } from './warn-once';
import { WideEventLogProcessor } from './wide-event-log';

/** Runtime hooks a runtime package (or a Node app) supplies. */
export interface TracingRuntime {
  /**
   * Replaces the default exporter ({@link FetchSpanExporter}: OTLP/HTTP JSON over `fetch`), either as an
   * exporter or as a factory that receives the resolved config (endpoint, headers, timeout).
   */
  exporter?: SpanExporter | ((config: ResolvedConfig) => SpanExporter);
  /** Context manager to register globally (AsyncLocalStorage in Node and Workers). */
  contextManager?: ContextManager;
  /** Register the provider, propagator and context manager as OpenTelemetry globals. Default `true`. */
  register?: boolean;
  /** Defaults of this runtime where they differ from core's (the Worker's 2 s export timeout). */
  defaults?: RuntimeDefaults;
  /**
   * Makes trace and span ids. Default: the SDK's `RandomIdGenerator`; a subclass of it keeps new
   * roots' W3C Level 2 random-trace-id flag (the Worker reserves a WebSocket connection's span id).
   */
  idGenerator?: IdGenerator;
  /** The SDK's span limits (attribute, event and link counts). Default: the SDK's (128 each, no length limit). */
  spanLimits?: SpanLimits;
}

/** A running tracing pipeline. */
export interface WidelineTracing {
  readonly config: ResolvedConfig;
  readonly provider: TracerProvider;
  /** A tracer named after the service. */
  readonly tracer: Tracer;
  /** The tail sampler, when tail sampling is on. */
  readonly tailSampler: TailSamplingProcessor | undefined;
  /** The redactor used on export (and available to loggers). */
  readonly redactor: Redactor | undefined;
  /** Counters: what was exported, dropped and why. */
  stats(): { export: ExportStats; tail: TailStats | undefined };
  /** Exports everything finished so far. Never rejects. */
  forceFlush(): Promise<void>;
  /** Flushes and stops. Runs once. */
  shutdown(): Promise<void>;
}

/**
 * The parts of a pipeline, built by the caller. {@link createTracing} builds the default ones; a
 * runtime whose bundle size matters (the browser) builds its own and calls {@link assembleTracing},
 * so that the parts it leaves out (tail sampling, the wide-event log, `fetch` export, redaction) are
 * never imported; `createTracing` registers the W3C propagator itself.
 */
export interface TracingParts {
  /** Where finished spans go (after redaction). */
  exporter: SpanExporter;
  /** Applied to every span on export. Default none. */
  redactor?: Redactor | undefined;
  /** Wraps the batch processor, e.g. a {@link TailSamplingProcessor}. Default none. */
  tailSampler?: ((batch: BatchExportProcessor) => TailSamplingProcessor) | undefined;
  /** Runs before tail sampling, e.g. a {@link WideEventLogProcessor}. Default none. */
  processors?: readonly SpanProcessor[];
  /** Context manager to register globally. */
  contextManager?: ContextManager | undefined;
  /** Register the provider and context manager as OpenTelemetry globals. Default `true`. */
  register?: boolean;
  onWarning?: WarningHandler | undefined;
  /** Makes trace and span ids (see {@link TracingRuntime.idGenerator}). Default: the SDK's random one. */
  idGenerator?: IdGenerator | undefined;
  /** The SDK's span limits (see {@link TracingRuntime.spanLimits}). */
  spanLimits?: SpanLimits | undefined;
  /**
   * `earlyDrops` from `@wideline/core/sdk`: the head sampler's dropped spans decided without the SDK,
   * a CPU saving where many spans are dropped (createTracing and the Worker pass it). Default none:
   * the SDK decides them, with the same result.
   */
  drops?: EarlyDrops | undefined;
}

/**
 * Assembles the pipeline from a resolved config and the parts the caller built. Most callers want
 * {@link createTracing}.
 */
export function assembleTracing(config: ResolvedConfig, parts: TracingParts): WidelineTracing {
  const { redactor } = parts;
  const exporter = redactor ? new RedactingExporter(parts.exporter, redactor) : parts.exporter;
  const batch = new BatchExportProcessor(exporter, {
    ...config.batch,
    exportTimeoutMs: config.exportTimeoutMs,
    ...(parts.onWarning ? { onWarning: parts.onWarning } : {}),
  });
  const tailSampler = parts.tailSampler?.(batch);
  const spanProcessors: SpanProcessor[] = [new LocalRootProcessor(), ...(parts.processors ?? [])];
  spanProcessors.push(tailSampler ?? batch);

  const activeProcessors = config.disabled ? [] : spanProcessors;
  const provider = new WidelineTracerProvider(
    {
      resource: resourceFromAttributes(config.resourceAttributes),
      sampler: config.disabled ? new AlwaysOffSampler() : headSampler(config.head),
      spanProcessors: activeProcessors,
      ...(parts.idGenerator ? { idGenerator: parts.idGenerator } : {}),
      ...(parts.spanLimits ? { spanLimits: parts.spanLimits } : {}),
    },
    config,
    parts.drops,
  );

  if (parts.register !== false) {
    if (parts.contextManager) context.setGlobalContextManager(parts.contextManager.enable());
    trace.setGlobalTracerProvider(provider);
  }

  let shutdown: Promise<void> | undefined;
  return {
    config,
    provider,
    tracer: provider.getTracer(config.serviceName),
    tailSampler,
    redactor,
    stats: () => ({ export: batch.stats(), tail: tailSampler?.stats() }),
    // The processors directly, not provider.forceFlush(): that races each processor against a 30 s
    // timer of its own, and these never hang (the export has its own timeout). A Worker flushes
    // once per invocation, so the timers were a cost on every request.
    forceFlush: () =>
      Promise.all(activeProcessors.map((processor) => processor.forceFlush())).then(
        () => undefined,
        () => undefined,
      ),
    shutdown: () => {
      shutdown ??= provider.shutdown().catch(() => undefined);
      return shutdown;
    },
  };
}

/**
 * Creates (and by default registers) Wideline's tracer provider. Configuration errors throw
 * {@link WidelineConfigError}; nothing on the telemetry path throws afterwards.
 */
export function createTracing(options: WidelineOptions & TracingRuntime = {}): WidelineTracing {
  const config = resolveConfig(options, options.env, options.defaults);
  const redactor = config.redaction === false ? undefined : createRedactor(config.redaction);
  const exporter =
    typeof options.exporter === 'function'
      ? options.exporter(config)
      : (options.exporter ??
        new FetchSpanExporter({
          url: config.tracesEndpoint,
          headers: config.headers,
          timeoutMs: config.exportTimeoutMs,
        }));
  const { tail, wideEventLog } = config;
  // Registered here, not in assembleTracing: a runtime without a global propagator (the browser)
  // then leaves the API's propagation module out of its bundle.
  if (options.register !== false) propagation.setGlobalPropagator(new W3CPropagator());
  return assembleTracing(config, {
    exporter,
    redactor,
    tailSampler: tail === false ? undefined : (batch) => new TailSamplingProcessor(batch, tail),
    processors: wideEventLog
      ? [new WideEventLogProcessor({ sink: wideEventLog, ...(redactor ? { redactor } : {}) })]
      : [],
    contextManager: options.contextManager,
    ...(options.register !== undefined ? { register: options.register } : {}),
    onWarning: options.onWarning,
    idGenerator: options.idGenerator,
    spanLimits: options.spanLimits,
    drops: earlyDrops,
  });
}
