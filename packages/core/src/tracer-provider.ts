/**
 * The tracer provider Wideline builds (in `createTracing`, and in `@wideline/browser`): the SDK's
 * `TracerProvider` (`@opentelemetry/sdk-trace`), whose spans also carry W3C Trace Context Level 2's
 * `random-trace-id` flag.
 *
 * Not `sdk-trace-base`'s `BasicTracerProvider`: that is `TracerProvider` behind a shim that merges
 * in a default config (span limits and a sampler read from `process.env`, merged with a copy of
 * lodash's `merge`) — 1.5 KB of gzip in a Worker or a page, where there is no `process.env` to read
 * and Wideline passes the sampler. Node reads the span-limit variables in `createNodeTracing`.
 *
 * The SDK sets a span's trace flags to exactly `SAMPLED` or `NONE` (its tracer has no notion of the
 * second bit), so on its own it drops the flag of an incoming `…-03` and never sets it on a new
 * root. Level 2 §3.2.2.5.2 asks for both:
 * - continuing a trace, "If the flag is set in the incoming traceparent header, it MUST also be set
 *   in all outgoing traceparent headers which use the same trace-id", and if unset, unset;
 * - starting one, the flag SHOULD be set when at least the right-most 7 bytes of the trace id are
 *   random — which they are with the SDK's default id generator (every byte random).
 *
 * @module
 */
import {
  type Context,
  context,
  INVALID_SPANID,
  isSpanContextValid,
  type Span,
  type SpanContext,
  type SpanOptions,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
// sdk-trace-base is the SDK Wideline is written against; its 2.x line is a shim over
// `@opentelemetry/sdk-trace`, and `TracerProvider` (without the shim's env merge) is the one class it
// does not re-export, so that alone comes from the package sdk-trace-base itself is built on.
import { TracerProvider, type TracerProviderOptions } from '@opentelemetry/sdk-trace';
import { type IdGenerator, RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from './config';
import { ParsedSpanContext } from './propagation';
import { DROP_CHECK, type DropCheck } from './sampling';
import { RANDOM_TRACE_FLAG } from './traceparent';

/**
 * The provider's id generator, with room for one trace id decided in advance: the tracer draws a
 * new root's trace id itself (to ask the sampler without the SDK), and when the span records, the
 * SDK must build it with that same id.
 */
class PresetIdGenerator implements IdGenerator {
  readonly inner: IdGenerator;
  next: string | undefined;

  constructor(inner: IdGenerator) {
    this.inner = inner;
  }

  generateTraceId(): string {
    const preset = this.next;
    if (preset === undefined) return this.inner.generateTraceId();
    this.next = undefined;
    return preset;
  }

  generateSpanId(): string {
    return this.inner.generateSpanId();
  }
}

/** What the tracer needs to decide a dropped span without the SDK. */
interface DropPath extends DropCheck {
  ids: PresetIdGenerator;
  start: StartDroppable;
}

/** What {@link earlyDrops} uses of the tracer: the SDK's way of starting a span, and the flag rule. */
interface FlaggingTracer {
  sdkSpan(name: string, options: SpanOptions | undefined, ctx: Context, parent: SpanContext | undefined): Span;
  randomFlag(parent: SpanContext | undefined): number;
}

/** Starts a span: dropped without the SDK, or through `tracer.sdkSpan`. */
type StartDroppable = (
  path: DropCheck & { ids: PresetIdGenerator },
  tracer: FlaggingTracer,
  name: string,
  options: SpanOptions | undefined,
  ctx: Context,
  parent: SpanContext | undefined,
) => Span;

/** Wideline's head sampler decided before the SDK: see {@link earlyDrops}. */
export interface EarlyDrops {
  /** Wraps the provider's id generator so that the SDK builds a kept root with the trace id sampled. */
  ids(inner: IdGenerator): PresetIdGenerator;
  start: StartDroppable;
}

const startDroppable: StartDroppable = (path, tracer, name, options, ctx, parent) => {
  if (isTracingSuppressed(ctx)) return tracer.sdkSpan(name, options, ctx, parent);
  const { ids } = path;
  // A parent-based decision reads the parent's flag only: a sampled parent's child goes
  // straight to the SDK, with nothing checked twice.
  if (parent !== undefined && path.parentBased && (parent.traceFlags & TraceFlags.SAMPLED) !== 0)
    return tracer.sdkSpan(name, options, ctx, parent);
  const continues = parent !== undefined && (parent instanceof ParsedSpanContext || isSpanContextValid(parent));
  const traceId = continues ? parent.traceId : ids.inner.generateTraceId();
  if (path.drops(parent, traceId, name)) {
    // The SDK's shape, `traceState` key included, so both kinds of context look alike to V8.
    const dropped = {
      traceId,
      spanId: ids.inner.generateSpanId(),
      traceFlags: tracer.randomFlag(continues ? parent : undefined),
      traceState: continues ? parent.traceState : undefined,
    } as SpanContext;
    return trace.wrapSpanContext(dropped);
  }
  // It records: the SDK builds it, with the trace id the sampler was asked about.
  if (!continues) ids.next = traceId;
  try {
    return tracer.sdkSpan(name, options, ctx, parent);
  } finally {
    ids.next = undefined;
  }
};

/**
 * A span Wideline's head sampler drops (a child of an unsampled parent, a root outside the ratio),
 * decided without the SDK: it would copy and check the creation attributes and links, ask the
 * sampler, count the span in its (no-op) metrics and build the same non-recording span. The ids come
 * from the SDK's own generator. A CPU saving for servers, where most spans may be dropped:
 * `createTracing` and the Worker pass it to {@link assembleTracing}; a page, which starts few
 * spans, leaves it out of its bundle and lets the SDK decide (with the same result).
 */
export const earlyDrops: EarlyDrops = { ids: (inner) => new PresetIdGenerator(inner), start: startDroppable };

/** A tracer that gives each span it starts the random-trace-id flag its trace has. */
class RandomFlagTracer implements Tracer, FlaggingTracer {
  readonly #inner: Tracer;
  readonly #randomRoots: boolean;
  readonly #dropPath: DropPath | undefined;

  constructor(inner: Tracer, randomRoots: boolean, dropPath: DropPath | undefined) {
    this.#inner = inner;
    this.#randomRoots = randomRoots;
    this.#dropPath = dropPath;
  }

  startSpan(name: string, options?: SpanOptions, ctx: Context = context.active()): Span {
    const parent = options?.root ? undefined : trace.getSpanContext(ctx);
    const dropPath = this.#dropPath;
    return dropPath
      ? dropPath.start(dropPath, this, name, options, ctx, parent)
      : this.sdkSpan(name, options, ctx, parent);
  }

  /** The span as the SDK builds it, with the random-trace-id flag set. */
  sdkSpan(name: string, options: SpanOptions | undefined, ctx: Context, parent: SpanContext | undefined): Span {
    return this.#flagged(this.#inner.startSpan(name, options, ctx), parent);
  }

  /** The random-trace-id bit for a span that continues `parent`'s trace, or for a new root. */
  randomFlag(parent: SpanContext | undefined): number {
    if (parent) return parent.traceFlags & RANDOM_TRACE_FLAG;
    return this.#randomRoots ? RANDOM_TRACE_FLAG : 0;
  }

  #flagged(span: Span, parent: SpanContext | undefined): Span {
    const own = span.spanContext();
    // The invalid context of a suppressed span is a shared constant: never touch it. (A string
    // comparison, not isSpanContextValid: the SDK built and validated this context a moment ago,
    // and the hex checks were a measurable share of a span's start.)
    if (own.spanId === INVALID_SPANID) return span;
    // The span continues its parent's trace exactly when it has the parent's trace id; otherwise
    // (no parent, or an invalid one) it is a new root.
    const random = this.randomFlag(parent !== undefined && parent.traceId === own.traceId ? parent : undefined);
    // The SDK built this span context a moment ago for this span alone; setting the bit on it is the
    // only way to reach every place the context goes (propagation, processors, the span itself)
    // without re-implementing the SDK's tracer.
    if (random) own.traceFlags |= RANDOM_TRACE_FLAG;
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const options = rest.length > 1 ? (rest[0] as SpanOptions) : undefined;
    const parent = rest.length > 2 ? (rest[1] as Context) : context.active();
    const span = this.startSpan(name, options, parent);
    return context.with(trace.setSpan(parent, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

/** The SDK tracer's per-span metrics hook, doing nothing (a span calls `recordEndMetrics?.()`). */
const NO_SPAN_METRICS = { startSpan: (): undefined => undefined };

/**
 * Without a `meterProvider` the SDK's tracer still counts every span (`otel.sdk.span.started`,
 * `otel.sdk.span.live`) into a no-op meter of its own that nothing can read: two attribute objects, a
 * closure and three calls a span, ~6 % of the pipeline's instructions per span. The hook is replaced
 * only where the SDK has it (a later SDK without the field is left as it is).
 */
function dropUnreadSpanMetrics(tracer: Tracer): void {
  const sdk = tracer as { _tracerMetrics?: { startSpan?: unknown } };
  if (typeof sdk._tracerMetrics?.startSpan === 'function') sdk._tracerMetrics = NO_SPAN_METRICS;
}

/**
 * The SDK's `TracerProvider` with the Level 2 random-trace-id flag kept on continued traces and set on
 * new roots. Options are the SDK's; with a custom `idGenerator` new roots do not claim random ids,
 * unless it is (a subclass of) the SDK's `RandomIdGenerator`.
 *
 * @example
 * const provider = new WidelineTracerProvider({ sampler: headSampler({ ratio: 0.1 }), spanProcessors });
 * provider.getTracer('web').startSpan('checkout').spanContext().traceFlags; // 0x03 or 0x02
 */
export class WidelineTracerProvider extends TracerProvider {
  readonly #tracers = new WeakMap<Tracer, Tracer>();
  readonly #randomRoots: boolean;
  readonly #dropPath: DropPath | undefined;
  readonly #unreadMetrics: boolean;

  /** The Wideline config this provider was made from, when `createTracing` made it. */
  readonly resolvedConfig: ResolvedConfig | undefined;

  /**
   * @param drops {@link earlyDrops} to decide the head sampler's dropped spans without the SDK (a
   *   CPU saving); without it the SDK decides them, with the same result.
   */
  constructor(config: TracerProviderOptions = {}, resolvedConfig?: ResolvedConfig, drops?: EarlyDrops) {
    // With Wideline's head sampler and `drops`, the tracer decides dropped spans itself; it shares
    // the SDK's id generator for that. Otherwise everything goes through the SDK as given.
    const check = drops && (config.sampler as { [DROP_CHECK]?: DropCheck } | undefined)?.[DROP_CHECK];
    const ids = check ? drops.ids(config.idGenerator ?? new RandomIdGenerator()) : undefined;
    super(ids ? { ...config, idGenerator: ids } : config);
    this.#randomRoots = config.idGenerator === undefined || config.idGenerator instanceof RandomIdGenerator;
    this.#dropPath =
      drops && check && ids
        ? { drops: check.drops, parentBased: check.parentBased, ids, start: drops.start }
        : undefined;
    this.#unreadMetrics = config.meterProvider === undefined;
    this.resolvedConfig = resolvedConfig;
  }

  override getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
    const inner = super.getTracer(name, version, options);
    let tracer = this.#tracers.get(inner);
    if (!tracer) {
      if (this.#unreadMetrics) dropUnreadSpanMetrics(inner);
      tracer = new RandomFlagTracer(inner, this.#randomRoots, this.#dropPath);
      this.#tracers.set(inner, tracer);
    }
    return tracer;
  }
}

/**
 * The resolved config of the Wideline tracing registered as the global provider, if any. Parts that
 * run beside an app's tracing without being handed it (`linkSentry`, `@wideline/bullmq`'s Sentry
 * report) default to its options — `jaegerUiUrl` is set once, in `createTracing`.
 */
export function registeredConfig(): ResolvedConfig | undefined {
  const global = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const provider = global.getDelegate?.() ?? global;
  return provider instanceof WidelineTracerProvider ? provider.resolvedConfig : undefined;
}
