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
  type Span,
  type SpanOptions,
  type Tracer,
  trace,
} from '@opentelemetry/api';
// sdk-trace-base is the SDK Wideline is written against; its 2.x line is a shim over
// `@opentelemetry/sdk-trace`, and `TracerProvider` (without the shim's env merge) is the one class it
// does not re-export, so that alone comes from the package sdk-trace-base itself is built on.
import { TracerProvider, type TracerProviderOptions } from '@opentelemetry/sdk-trace';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from './config';
import { RANDOM_TRACE_FLAG } from './traceparent';

/** A tracer that gives each span it starts the random-trace-id flag its trace has. */
class RandomFlagTracer implements Tracer {
  readonly #inner: Tracer;
  readonly #randomRoots: boolean;

  constructor(inner: Tracer, randomRoots: boolean) {
    this.#inner = inner;
    this.#randomRoots = randomRoots;
  }

  startSpan(name: string, options?: SpanOptions, ctx: Context = context.active()): Span {
    const span = this.#inner.startSpan(name, options, ctx);
    const own = span.spanContext();
    // The invalid context of a suppressed span is a shared constant: never touch it. (A string
    // comparison, not isSpanContextValid: the SDK built and validated this context a moment ago,
    // and the hex checks were a measurable share of a span's start.)
    if (own.spanId === INVALID_SPANID) return span;
    const parent = options?.root ? undefined : trace.getSpanContext(ctx);
    // The span continues its parent's trace exactly when it has the parent's trace id; otherwise
    // (no parent, or an invalid one) it is a new root.
    const random =
      parent !== undefined && parent.traceId === own.traceId
        ? parent.traceFlags & RANDOM_TRACE_FLAG
        : this.#randomRoots
          ? 1
          : 0;
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

  /** The Wideline config this provider was made from, when `createTracing` made it. */
  readonly resolvedConfig: ResolvedConfig | undefined;

  constructor(config: TracerProviderOptions = {}, resolvedConfig?: ResolvedConfig) {
    super(config);
    this.#randomRoots = config.idGenerator === undefined || config.idGenerator instanceof RandomIdGenerator;
    this.resolvedConfig = resolvedConfig;
  }

  override getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
    const inner = super.getTracer(name, version, options);
    let tracer = this.#tracers.get(inner);
    if (!tracer) {
      tracer = new RandomFlagTracer(inner, this.#randomRoots);
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
