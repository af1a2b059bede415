/**
 * Head sampling: a parent-based, trace-id-ratio sampler with per-span-name overrides. Decisions are a
 * pure function of the trace id, so every service configured with the same ratio agrees on a trace
 * without talking to each other. Sampled roots carry `wideline.sample_rate` (how many units each kept
 * one stands for) and pass it downstream in `tracestate` so remote children can report it too.
 *
 * @module
 */
import { type Attributes, type Context, type Link, type SpanContext, type SpanKind, trace } from '@opentelemetry/api';
import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { SAMPLE_RATE_ATTRIBUTE } from './conventions';
import { W3CTraceState } from './tracestate';

const TRACESTATE_KEY = 'wideline';

/** A ratio for spans whose name matches. The first matching rule wins. */
export interface HeadSamplingRule {
  name: string | RegExp;
  ratio: number;
}

/** Options for {@link headSampler}. */
export interface HeadSamplingOptions {
  /** Probability of keeping a new root trace, 0..1. Default 1. */
  ratio?: number;
  /** Per-root-span-name ratios, e.g. `[{ name: 'GET /health', ratio: 0 }]`. */
  rules?: readonly HeadSamplingRule[];
  /** Follow the parent's sampled flag when there is a parent. Default `true`. */
  parentBased?: boolean;
}

/**
 * A number in [0, 1) derived from the trace id's random low bits: the same for every service that
 * sees the trace, so independent ratio decisions line up.
 */
export function traceIdRatio(traceId: string): number {
  const low = Number.parseInt(traceId.slice(-8), 16);
  return Number.isFinite(low) ? low / 0x1_0000_0000 : 0;
}

function parseRate(value: string | undefined): number | undefined {
  if (!value?.startsWith('r:')) return undefined;
  const rate = Number(value.slice(2));
  return Number.isFinite(rate) && rate >= 1 ? rate : undefined;
}

/**
 * Where a head sampler keeps the check {@link WidelineTracerProvider}'s tracer uses to skip the SDK
 * for a span the sampler drops (see `tracer-provider.ts`). Registered, so two copies of core agree.
 *
 * @internal
 */
export const DROP_CHECK = Symbol.for('wideline.headSampler.drops');

/**
 * `drops` is true exactly when the sampler's `shouldSample` would answer `NOT_RECORD` for this
 * parent span context (what `trace.getSpanContext` gives for the span's context, valid or not),
 * trace id and span name — a head sampler's decision never reads attributes, links or kind.
 *
 * @internal
 */
export interface DropCheck {
  drops(parent: SpanContext | undefined, traceId: string, spanName: string): boolean;
  /** A span with a parent is decided by the parent's sampled flag alone (no trace id needed). */
  parentBased: boolean;
}

/**
 * Builds the head sampler.
 *
 * @example
 * headSampler({ ratio: 0.25, rules: [{ name: /^GET \/health/, ratio: 0 }] })
 */
export function headSampler(options: HeadSamplingOptions = {}): Sampler {
  const ratio = options.ratio ?? 1;
  const rules = options.rules ?? [];
  const parentBased = options.parentBased ?? true;
  const describe = `WidelineHeadSampler{ratio=${ratio},parentBased=${parentBased}}`;

  const ruleRatio = (spanName: string): number => {
    const rule = rules.find((r) => (typeof r.name === 'string' ? r.name === spanName : r.name.test(spanName)));
    return rule ? rule.ratio : ratio;
  };
  const drops: DropCheck['drops'] = (parent, traceId, spanName) => {
    if (parent && parentBased) return (parent.traceFlags & 0x01) === 0;
    const effective = ruleRatio(spanName);
    // traceIdRatio is below 1 for every id: a ratio of 1 keeps without reading the id.
    return effective <= 0 || (effective < 1 && traceIdRatio(traceId) >= effective);
  };

  return {
    shouldSample(
      context: Context,
      traceId: string,
      spanName: string,
      _kind: SpanKind,
      _attributes: Attributes,
      _links: Link[],
    ): SamplingResult {
      const parent = trace.getSpanContext(context);
      if (drops(parent, traceId, spanName)) return { decision: SamplingDecision.NOT_RECORD };
      if (parent && parentBased) {
        const inherited = parent.isRemote ? parseRate(parent.traceState?.get(TRACESTATE_KEY)) : undefined;
        return {
          decision: SamplingDecision.RECORD_AND_SAMPLED,
          ...(inherited ? { attributes: { [SAMPLE_RATE_ATTRIBUTE]: inherited } } : {}),
        };
      }
      const effective = ruleRatio(spanName);
      if (effective >= 1) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
      const rate = 1 / effective;
      const traceState = (parent?.traceState ?? new W3CTraceState()).set(TRACESTATE_KEY, `r:${rate}`);
      return {
        decision: SamplingDecision.RECORD_AND_SAMPLED,
        attributes: { [SAMPLE_RATE_ATTRIBUTE]: rate },
        traceState,
      };
    },
    toString: () => describe,
    [DROP_CHECK]: { drops, parentBased } satisfies DropCheck,
  } as Sampler;
}
