import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';
import { SAMPLE_RATE_ATTRIBUTE } from '../src/conventions';
import { remoteContext } from '../src/propagation';
import { earlyDrops, headSampler, traceIdRatio, W3CTraceState, WidelineTracerProvider } from '../src/sdk';
import { memoryTracing, sdkDecidedTracing } from './helpers';

// Each pipeline decides dropped spans its own way (the tracer itself, or the SDK) with one result.
const PIPELINES = [
  ['createTracing: the tracer decides drops', memoryTracing],
  ['assembleTracing without earlyDrops: the SDK does', sdkDecidedTracing],
] as const;

const idWithRatio = (r: number) =>
  `${'a'.repeat(24)}${Math.floor(r * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0')}`;
const decide = (sampler: ReturnType<typeof headSampler>, traceId: string, name = 'op', ctx = ROOT_CONTEXT) =>
  sampler.shouldSample(ctx, traceId, name, SpanKind.SERVER, {}, []);

describe('headSampler', () => {
  it('keeps a root when the trace id falls under the ratio, with the weight and tracestate set', () => {
    const sampler = headSampler({ ratio: 0.25 });
    const kept = decide(sampler, idWithRatio(0.1));
    expect(kept.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(kept.attributes?.[SAMPLE_RATE_ATTRIBUTE]).toBe(4);
    expect(kept.traceState?.get('wideline')).toBe('r:4');
    expect(decide(sampler, idWithRatio(0.3)).decision).toBe(SamplingDecision.NOT_RECORD);
  });

  it('keeps about the ratio over many random ids', () => {
    const sampler = headSampler({ ratio: 0.2 });
    let kept = 0;
    for (let i = 0; i < 10_000; i++) {
      const id = crypto.randomUUID().replace(/-/g, '');
      if (decide(sampler, id).decision === SamplingDecision.RECORD_AND_SAMPLED) kept++;
    }
    expect(kept).toBeGreaterThan(1700);
    expect(kept).toBeLessThan(2300);
  });

  it('applies per-name rules before the default ratio', () => {
    const sampler = headSampler({
      ratio: 1,
      rules: [
        { name: 'GET /health', ratio: 0 },
        { name: /^cron /, ratio: 0.5 },
      ],
    });
    expect(decide(sampler, idWithRatio(0.01), 'GET /health').decision).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(sampler, idWithRatio(0.4), 'cron cleanup').attributes?.[SAMPLE_RATE_ATTRIBUTE]).toBe(2);
    expect(decide(sampler, idWithRatio(0.99), 'GET /orders').decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('follows a parent and inherits a remote parent’s weight from tracestate', () => {
    const sampler = headSampler({ ratio: 0 });
    const parent = (flags: number, state?: W3CTraceState) =>
      trace.setSpanContext(ROOT_CONTEXT, {
        traceId: idWithRatio(0.9),
        spanId: 'b'.repeat(16),
        traceFlags: flags,
        isRemote: true,
        ...(state ? { traceState: state } : {}),
      });
    const followed = decide(
      sampler,
      idWithRatio(0.9),
      'op',
      parent(TraceFlags.SAMPLED, new W3CTraceState([['wideline', 'r:8']])),
    );
    expect(followed.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(followed.attributes?.[SAMPLE_RATE_ATTRIBUTE]).toBe(8);
    expect(decide(sampler, idWithRatio(0.1), 'op', parent(TraceFlags.NONE)).decision).toBe(SamplingDecision.NOT_RECORD);
    expect(
      decide(headSampler({ ratio: 0, parentBased: false }), idWithRatio(0.1), 'op', parent(TraceFlags.SAMPLED))
        .decision,
    ).toBe(SamplingDecision.NOT_RECORD);
  });

  it('agrees with traceIdRatio, the same function the tail sampler uses', () => {
    expect(traceIdRatio(idWithRatio(0.5))).toBeCloseTo(0.5, 6);
    expect(traceIdRatio('not-hex')).toBe(0);
  });

  it('is what createTracing installs (OTEL_TRACES_SAMPLER=always_off records nothing)', async () => {
    const { tracing, finished } = memoryTracing({ env: { OTEL_TRACES_SAMPLER: 'always_off' } });
    tracing.tracer.startSpan('dropped').end();
    expect(await finished()).toHaveLength(0);
  });

  it.each(PIPELINES)(
    'decides dropped spans as the SDK would, and builds kept roots with the id it sampled (%s)',
    async (_, build) => {
      const { tracing, finished } = build({ sampling: { head: { ratio: 0.5 } } });
      const { tracer } = tracing;
      const kept: string[] = [];
      for (let i = 0; i < 400; i++) {
        const root = tracer.startSpan('root');
        const own = root.spanContext();
        // Every root claims a random trace id (Level 2), kept or not.
        expect(own.traceFlags & 0x02).toBe(0x02);
        expect(trace.isSpanContextValid(own)).toBe(true);
        const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
        const ownChild = child.spanContext();
        expect(ownChild.traceId).toBe(own.traceId);
        expect(ownChild.spanId).not.toBe(own.spanId);
        expect(ownChild.traceFlags).toBe(own.traceFlags);
        expect(child.isRecording()).toBe(root.isRecording());
        if (root.isRecording()) {
          kept.push(own.traceId);
          // The trace id the sampler was asked about is the one the span has.
          expect(traceIdRatio(own.traceId)).toBeLessThan(0.5);
        } else {
          expect(traceIdRatio(own.traceId)).toBeGreaterThanOrEqual(0.5);
          expect(own.traceFlags & TraceFlags.SAMPLED).toBe(0);
        }
        child.end();
        root.end();
      }
      expect(kept.length).toBeGreaterThan(140);
      expect(kept.length).toBeLessThan(260);
      const exported = await finished();
      expect(exported).toHaveLength(kept.length * 2);
      expect(new Set(exported.map((s) => s.spanContext().traceId))).toEqual(new Set(kept));
    },
  );

  it.each(PIPELINES)(
    'drops a child of an unsampled remote parent, keeping its tracestate and flags (%s)',
    async (_, build) => {
      const { tracing, finished } = build();
      const traceState = new W3CTraceState().set('vendor', 'x');
      const remote = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: 'b'.repeat(32),
        spanId: 'c'.repeat(16),
        traceFlags: 0x02,
        isRemote: true,
        traceState,
      });
      const span = tracing.tracer.startSpan('child', { attributes: { a: 1 } }, remote);
      expect(span.isRecording()).toBe(false);
      expect(span.spanContext()).toMatchObject({ traceId: 'b'.repeat(32), traceFlags: 0x02, traceState });
      expect(span.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(span.spanContext().spanId).not.toBe('c'.repeat(16));
      // A root asked for explicitly ignores the parent's decision.
      const root = tracing.tracer.startSpan('root', { root: true }, remote);
      expect(root.isRecording()).toBe(true);
      expect(root.spanContext().traceId).not.toBe('b'.repeat(32));
      root.end();
      span.end();
      expect((await finished()).map((s) => s.name)).toEqual(['root']);
    },
  );

  it.each(PIPELINES)(
    'continues a parsed unsampled parent’s trace, and starts a new one under invalid ids (%s)',
    (_, build) => {
      const { tracing } = build();
      const parsed = remoteContext(`00-${'b'.repeat(32)}-${'c'.repeat(16)}-00`);
      expect(parsed).toBeDefined();
      const child = tracing.tracer.startSpan('child', {}, parsed);
      expect(child.isRecording()).toBe(false);
      expect(child.spanContext().traceId).toBe('b'.repeat(32));
      // Not parsed, not valid: the API's check still applies, and the span is a new root.
      for (const traceId of ['z'.repeat(32), '0'.repeat(32), 'b'.repeat(31)]) {
        const invalid = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'c'.repeat(16), traceFlags: 0 });
        const orphan = tracing.tracer.startSpan('child', {}, invalid).spanContext();
        expect(orphan.traceId).not.toBe(traceId);
        expect(trace.isSpanContextValid(orphan)).toBe(true);
      }
    },
  );

  it('asks the sampler about a dropped span only without earlyDrops', () => {
    for (const drops of [earlyDrops, undefined]) {
      const sampler = headSampler({ ratio: 0 });
      const asked = vi.spyOn(sampler, 'shouldSample');
      const provider = new WidelineTracerProvider({ sampler }, undefined, drops);
      const span = provider.getTracer('t').startSpan('dropped');
      expect(span.isRecording()).toBe(false);
      expect(asked).toHaveBeenCalledTimes(drops ? 0 : 1);
    }
  });
});
