import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { SAMPLE_RATE_ATTRIBUTE } from '../src/conventions';
import { headSampler, traceIdRatio, W3CTraceState } from '../src/sdk';
import { memoryTracing } from './helpers';

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
});
