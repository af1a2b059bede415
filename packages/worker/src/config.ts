/**
 * Worker configuration and the per-isolate tracing runtime. A Workers isolate serves many requests
 * and may host several instrumented entry points (the default export, Durable Object classes,
 * WorkerEntrypoints); they all share one tracer provider, Wideline's, created on the first invocation
 * because bindings (and so `OTEL_*` values) only arrive with it.
 *
 * @module
 */
import { context, propagation, trace } from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { W3CPropagator, WidelineConfigError, type WidelineOptions, type WidelineTracing } from '@wideline/core';
import {
  assembleTracing,
  createRedactor,
  createTargetMatcher,
  earlyDrops,
  type PropagateTo,
  type Redactor,
  type ResolvedConfig,
  resolveConfig,
  type TargetMatcher,
  type TracingParts,
} from '@wideline/core/sdk';
import { WorkersContextManager } from './async-context';
import type { WorkerFeature, WorkerParts } from './features';
import { type OutboxExportStats, OutboxSpanExporter } from './fetch-exporter';
import { ReservingIdGenerator } from './span-ids';

/** Whether an incoming request's `traceparent`/`tracestate`/`baggage` is continued. */
export type AcceptTraceContext = 'always' | 'never' | ((request: Request) => boolean);

export type { PropagateTo } from '@wideline/core/sdk';

/**
 * Options of {@link instrument} and {@link instrumentDO}: core's options (the same names, types and
 * `OTEL_*` variables, read from the bindings; `env` adds variables over them) plus Worker-specific ones.
 */
export interface WorkerConfig extends WidelineOptions {
  /**
   * Continue the caller's W3C trace context: `'always'`, `'never'`, or a predicate such as an origin
   * allowlist. Rejected context starts a new trace. Default `'always'`.
   */
  acceptTraceContext?: AcceptTraceContext;
  /**
   * Which `fetch` destinations carry trace context, in the grammar of every Wideline runtime: hosts
   * (`api.example.com`, `*.example.com`, `host:port`), origins or URL prefixes (`https://h/api`,
   * matched by path segment), RegExps tested against the full URL, or a predicate on the URL.
   * Service bindings, Durable Object stubs and Queues always carry it. A malformed entry throws
   * `WidelineConfigError` on the first invocation. Default: none.
   */
  propagateTo?: PropagateTo;
  /**
   * Carry trace context over RPC calls to Durable Object stubs and service bindings, as one
   * trailing argument that the callee's Wideline wrapper removes. Turn off when a callee is not
   * instrumented by Wideline (it would see the extra argument). Default `true`.
   */
  rpcTraceContext?: boolean;
  /** Spans for KV, R2, D1, Queue, service-binding and Durable Object calls. Default `true`. */
  instrumentBindings?: boolean;
  /**
   * The queue behind each Queues producer binding (`{ JOBS: 'jobs' }`, as `queues.producers` in the
   * wrangler config pairs them): a producer binding does not know its queue's name, and the
   * semantic conventions want the queue, not the binding, as `messaging.destination.name` — the
   * same value the consumer's span has. A binding not listed here sends as `send <BINDING>`
   * without `messaging.destination.name`. Default: none.
   */
  queueNames?: Readonly<Record<string, string>>;
  /**
   * How long finished spans may wait, under the invocation's own `waitUntil`, for other
   * invocations' spans so that they share one OTLP request; the export POST is the largest part
   * of Wideline's per-request CPU, so under load this cuts it by the number of requests sharing.
   * Spans leave at most this long after their invocation ended. `0`: one request per invocation.
   * Default 100.
   */
  exportDelayMs?: number;
  /**
   * Replaces the OTLP/HTTP `fetch` exporter (tests use an in-memory exporter). A `OutboxSpanExporter`
   * given here (e.g. with a service binding's `fetch` as its transport) is still sent from each
   * invocation, sharing requests as `exportDelayMs` describes (set `delayMs` on it instead).
   */
  exporter?: SpanExporter;
  /**
   * The optional parts of the pipeline whose code this Worker carries: `tailSampling()` (for
   * `sampling.tail`) and `wideEventLog()` (for `wideEventLog`). A feature only puts the code in the
   * bundle; its option switches it on, with core's defaults (both off). Setting an option without
   * its feature throws `WidelineConfigError`. Default: none.
   */
  features?: readonly WorkerFeature[];
}

/** A config, or a function of the Worker's bindings that returns one. */
export type ConfigOrFactory<Env = unknown> = WorkerConfig | ((env: Env) => WorkerConfig);

/**
 * Export timeout when neither the option nor `OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT` sets one: 2 s, not
 * core's 10 s, because each invocation sends its own spans under `waitUntil`, and a slow collector
 * should cost an invocation 2 s of lingering at most.
 */
export const DEFAULT_EXPORT_TIMEOUT_MS = 2000;

/** What every instrumented entry point of this isolate shares. @internal */
export interface IsolateRuntime {
  tracing: WidelineTracing;
  config: WorkerConfig;
  /** `config.propagateTo`, compiled once. */
  mayPropagate: TargetMatcher;
  /** Exports finished spans and sends them (when due) from the calling invocation. Never rejects. */
  flush(): Promise<void>;
  /** The OTLP sender, unless an exporter other than a `OutboxSpanExporter` replaced it. */
  sender: OutboxSpanExporter | undefined;
  /** The provider's id generator, which can start a span with ids drawn earlier. */
  spanIds: ReservingIdGenerator;
}

/** The W3C propagator the Worker's parts share (incoming, outgoing, RPC) and registers globally. @internal */
export const propagator = new W3CPropagator();

// The isolate's one runtime. Module state is the point here: it is what "per isolate" means.
let runtime: IsolateRuntime | undefined;

/**
 * The isolate's runtime, created on first use from `config` and the invocation's bindings. Later
 * calls return the same runtime: a second config (another entry point) is not applied.
 * Configuration errors throw here, on the first invocation, naming the option.
 * @internal
 */
export function isolateRuntime<Env>(configOrFactory: ConfigOrFactory<Env>, env: Env): IsolateRuntime {
  if (runtime) return runtime;
  const config = typeof configOrFactory === 'function' ? configOrFactory(env) : configOrFactory;
  const mayPropagate = createTargetMatcher(config.propagateTo);
  const spanIds = new ReservingIdGenerator();
  const defaults = { exportTimeoutMs: DEFAULT_EXPORT_TIMEOUT_MS };
  // The bindings, when they are an object (spreading null or undefined gives nothing).
  const bindings = typeof env === 'object' ? (env as Record<string, unknown> | null) : undefined;
  const resolved = resolveConfig(config, { ...bindings, ...config.env }, defaults);
  const parts: WorkerParts = {};
  for (const feature of config.features ?? []) feature.setup(parts);
  const redactor = resolved.redaction === false ? undefined : createRedactor(resolved.redaction);
  const wideEventLog = wideEventLogProcessor(resolved, parts, redactor);
  // A OutboxSpanExporter of the caller's own (another transport, such as a service binding to a
  // collector Worker) still needs each invocation to send; any other exporter sends by itself.
  const sender = config.exporter
    ? config.exporter instanceof OutboxSpanExporter
      ? config.exporter
      : undefined
    : new OutboxSpanExporter({
        url: resolved.tracesEndpoint,
        headers: resolved.headers,
        timeoutMs: resolved.exportTimeoutMs,
        delayMs: config.exportDelayMs,
        onWarning: config.onWarning,
      });
  propagation.setGlobalPropagator(propagator);
  // No batch timer unless `batch.scheduledDelayMs` asks for one: every invocation flushes under its
  // own `waitUntil`, so the timer was armed by the first span to end and cleared by the flush, per
  // request, for nothing. A span that ends after its invocation's flush waits for the next one's,
  // as it did with the timer (the outbox is only sent from a flush).
  resolved.batch = { scheduledDelayMs: Infinity, ...resolved.batch };
  const tracing = assembleTracing(resolved, {
    exporter: config.exporter ?? (sender as OutboxSpanExporter),
    redactor,
    tailSampler: tailSampler(resolved, parts),
    processors: wideEventLog ? [wideEventLog] : [],
    contextManager: new WorkersContextManager(),
    onWarning: config.onWarning,
    idGenerator: spanIds,
    drops: earlyDrops,
  });
  // Sentry's `enableOpenTelemetrySetup` (or any other SDK) may have registered a provider first; the
  // global registration then fails silently. Wideline's spans do not depend on it (they come from
  // `tracing.tracer`), but third-party OpenTelemetry instrumentation would go elsewhere: say so.
  const global = trace.getTracerProvider() as { getDelegate?: () => unknown };
  if (global.getDelegate?.() !== tracing.provider) {
    (config.onWarning ?? console.warn)(
      "[wideline] another OpenTelemetry tracer provider is registered globally (Sentry's enableOpenTelemetrySetup?); Wideline keeps its own",
    );
  }
  runtime = {
    tracing,
    config,
    mayPropagate,
    sender,
    spanIds,
    flush: sender ? () => tracing.forceFlush().then(() => sender.sendWhenDue()) : () => tracing.forceFlush(),
  };
  return runtime;
}

/**
 * The tail sampler when `sampling.tail` turns it on, read as core's `createTracing` reads it (on for
 * options, off when unset or `false`); the feature only supplies the code.
 */
function tailSampler({ tail }: ResolvedConfig, parts: WorkerParts): TracingParts['tailSampler'] {
  if (tail === false) return undefined;
  const build = parts.tailSampler;
  if (!build) throw missingFeature('sampling.tail', 'tailSampling');
  return (batch) => build(batch, tail);
}

/**
 * The wide-event log when `wideEventLog` turns it on (`true`: `console.log`, or a sink), read as core
 * reads it (off when unset or `false`); the feature only supplies the code.
 */
function wideEventLogProcessor(
  { wideEventLog: sink }: ResolvedConfig,
  parts: WorkerParts,
  redactor: Redactor | undefined,
): SpanProcessor | undefined {
  if (!sink) return undefined;
  if (!parts.wideEventLog) throw missingFeature('wideEventLog', 'wideEventLog');
  return parts.wideEventLog(sink, redactor);
}

function missingFeature(option: string, feature: string): WidelineConfigError {
  return new WidelineConfigError(
    option,
    `the ${feature} feature is not in this Worker`,
    `import { ${feature} } from '@wideline/worker' and add features: [${feature}()] to the config`,
  );
}

type PipelineStats = ReturnType<WidelineTracing['stats']>;

/** What this isolate's export pipeline has done so far. */
export interface IsolateStats {
  /**
   * Spans through the pipeline (queued, dropped, tail decisions): core's counters, except that with
   * the OTLP sender `export.spansExported` counts only spans the collector accepted, `queued`
   * includes spans waiting to be sent, and `spansDroppedExportFailed` those whose request failed twice.
   */
  pipeline: PipelineStats;
  /** OTLP requests sent, failed and retried; spans sent, dropped and waiting. */
  requests: OutboxExportStats | undefined;
}

/**
 * Core counts a span as exported once the exporter took it, which for the sender means "in the
 * outbox"; the POST comes later. A span is exported when the collector accepted it.
 */
function deliveredExport(pipeline: PipelineStats['export'], sender: OutboxExportStats): PipelineStats['export'] {
  return {
    ...pipeline,
    spansExported: sender.spansSent,
    // Outbox-full batches are already in core's count: export() reported them failed.
    spansDroppedExportFailed: pipeline.spansDroppedExportFailed + sender.spansDropped - sender.spansDroppedOutboxFull,
    queued: pipeline.queued + sender.spansWaiting,
  };
}

/**
 * Counters of this isolate's tracing, or `undefined` before the first invocation. Useful on a
 * debug route or in a test.
 *
 * @example
 * if (url.pathname === '/__wideline') return Response.json(isolateStats());
 */
export function isolateStats(): IsolateStats | undefined {
  if (!runtime) return undefined;
  const pipeline = runtime.tracing.stats();
  const requests = runtime.sender?.stats();
  if (!requests) return { pipeline, requests };
  return { pipeline: { ...pipeline, export: deliveredExport(pipeline.export, requests) }, requests };
}

/** The isolate's runtime if an invocation has created it. @internal */
export function currentIsolateRuntime(): IsolateRuntime | undefined {
  return runtime;
}

/**
 * Shuts the isolate's tracing down and forgets it, so that the next invocation builds a new one.
 * For tests that need different configs in one isolate.
 */
export async function resetIsolateRuntime(): Promise<void> {
  const current = runtime;
  runtime = undefined;
  await current?.tracing.shutdown();
  // Unregister the OpenTelemetry globals so that the next runtime can register its own.
  trace.disable();
  context.disable();
  propagation.disable();
}
