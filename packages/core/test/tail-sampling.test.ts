import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { SAMPLE_RATE_ATTRIBUTE } from '../src/conventions';
import type { TailSamplingOptions } from '../src/sdk';
import { memoryTracing } from './helpers';

function tailTracing(tail: TailSamplingOptions) {
  return memoryTracing({ sampling: { tail } });
}

/** Runs a unit of work: a root with `children` child spans, the first failing when `error`. */
function unit(
  tracing: ReturnType<typeof memoryTracing>['tracing'],
  name: string,
  opts: { children?: number; error?: boolean } = {},
) {
  return tracing.tracer.startActiveSpan(name, (root) => {
    for (let i = 0; i < (opts.children ?? 2); i++) {
      const child = tracing.tracer.startSpan(`${name}.child${i}`);
      if (opts.error && i === 0) child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      child.end();
    }
    root.end();
    return root.spanContext().traceId;
  });
}

describe('TailSamplingProcessor', () => {
  it('keeps every span of a unit with an error anywhere in it, and stamps the reason', async () => {
    const { tracing, finished } = tailTracing({ probability: 0 });
    const traceId = unit(tracing, 'checkout', { error: true });
    const spans = await finished();
    expect(spans.map((s) => s.name).sort()).toEqual(['checkout', 'checkout.child0', 'checkout.child1']);
    expect(spans.every((s) => s.spanContext().traceId === traceId)).toBe(true);
    expect(spans.find((s) => s.name === 'checkout')?.attributes['wideline.sampling.reason']).toBe('error');
    // A weight of 1 is stamped on the root only (with the reason); absent means 1.
    expect(spans.find((s) => s.name === 'checkout')?.attributes[SAMPLE_RATE_ATTRIBUTE]).toBe(1);
    expect(spans.filter((s) => s.name !== 'checkout').every((s) => !(SAMPLE_RATE_ATTRIBUTE in s.attributes))).toBe(
      true,
    );
  });

  it('drops a healthy fast unit outside the probability, counting it', async () => {
    const { tracing, finished } = tailTracing({ probability: 0 });
    unit(tracing, 'fast');
    expect(await finished()).toHaveLength(0);
    expect(tracing.stats().tail).toMatchObject({ tracesDropped: 1, spansDropped: 3, spansHeld: 0, bytesHeld: 0 });
  });

  it('keeps slow units', async () => {
    const { tracing, finished } = tailTracing({ probability: 0, slowMs: 50 });
    tracing.tracer.startActiveSpan('slow', (root) => {
      tracing.tracer.startSpan('inner').end();
      root.end(Date.now() + 60);
    });
    const spans = await finished();
    expect(spans.find((s) => s.name === 'slow')?.attributes['wideline.sampling.reason']).toBe('slow');
  });

  it('keeps units a predicate asks for', async () => {
    const { tracing, finished } = tailTracing({
      probability: 0,
      keep: ({ root }) => root.attributes['user.tier'] === 'vip',
    });
    tracing.tracer.startActiveSpan('vip', (root) => {
      root.setAttribute('user.tier', 'vip');
      root.end();
    });
    tracing.tracer.startActiveSpan('regular', (root) => root.end());
    expect((await finished()).map((s) => s.name)).toEqual(['vip']);
  });

  it('keeps by trace-id ratio with the re-weighting rate on every span', async () => {
    const { tracing, finished } = tailTracing({ probability: 0.5, slowMs: 60_000 });
    for (let i = 0; i < 400; i++) unit(tracing, `u${i}`, { children: 1 });
    const spans = await finished();
    const roots = spans.filter((s) => !s.parentSpanContext);
    expect(roots.length).toBeGreaterThan(150);
    expect(roots.length).toBeLessThan(250);
    expect(spans.every((s) => s.attributes[SAMPLE_RATE_ATTRIBUTE] === 2)).toBe(true);
    expect(spans.length).toBe(roots.length * 2);
  });

  it('multiplies the head rate into the weight', async () => {
    const { tracing, finished } = memoryTracing({
      sampling: { head: { ratio: 0.5 }, tail: { probability: 0.5, slowMs: 60_000 } },
    });
    for (let i = 0; i < 200; i++) unit(tracing, `u${i}`, { children: 0 });
    const spans = await finished();
    expect(spans.length).toBeGreaterThan(0);
    expect(spans.every((s) => s.attributes[SAMPLE_RATE_ATTRIBUTE] === 4)).toBe(true);
  });

  it('sends spans that end after their root the way the root went', async () => {
    const { tracing, finished } = tailTracing({ probability: 0 });
    const late = tracing.tracer.startActiveSpan('root', (root) => {
      const child = tracing.tracer.startSpan('late');
      root.setStatus({ code: SpanStatusCode.ERROR });
      root.end();
      return child;
    });
    late.end();
    expect((await finished()).map((s) => s.name).sort()).toEqual(['late', 'root']);
  });

  it('keepTrace and wouldKeep: a kept trace stays kept, and a yes is binding', async () => {
    const { tracing, finished } = tailTracing({ probability: 0 });
    tracing.tracer.startActiveSpan('forced', (root) => {
      expect(tracing.tailSampler?.wouldKeep(root.spanContext().traceId)).toBe(false);
      tracing.tailSampler?.keepTrace(root.spanContext().traceId);
      expect(tracing.tailSampler?.wouldKeep(root.spanContext().traceId)).toBe(true);
      root.end();
    });
    tracing.tracer.startActiveSpan('failing', (root) => {
      tracing.tracer.startSpan('step').setStatus({ code: SpanStatusCode.ERROR }).end();
      expect(tracing.tailSampler?.wouldKeep(root.spanContext().traceId)).toBe(true);
      root.end();
    });
    const reasons = (await finished())
      .filter((s) => !s.parentSpanContext)
      .map((s) => s.attributes['wideline.sampling.reason']);
    expect(reasons).toEqual(['forced', 'forced']);
  });

  it('bounds spans per unit: overflow is dropped and counted, the rest still decided together', async () => {
    const { tracing, finished } = tailTracing({ probability: 1, maxSpansPerTrace: 10 });
    unit(tracing, 'big', { children: 50 });
    expect(await finished()).toHaveLength(10);
    expect(tracing.stats().tail?.spansOverflowed).toBe(41);
  });

  it('bounds units held: the oldest is decided early instead of growing without limit', async () => {
    const { tracing, finished } = tailTracing({ probability: 0, maxTraces: 5 });
    const open = Array.from({ length: 20 }, (_, i) => {
      const root = tracing.tracer.startSpan(`open${i}`);
      root.setStatus({ code: SpanStatusCode.ERROR });
      return root;
    });
    expect(tracing.stats().tail?.tracesDecidedEarly).toBe(15);
    for (const root of open) root.end();
    // Early-decided units had no error recorded yet when decided (status is read at end), so their
    // roots follow that decision; the 5 still held are decided on their own errors.
    expect((await finished()).length).toBe(5);
  });

  it('bounds bytes held', async () => {
    const { tracing } = tailTracing({ probability: 0, maxBytes: 20_000 });
    const root = tracing.tracer.startSpan('root');
    tracing.tracer.startActiveSpan('holder', (holder) => {
      for (let i = 0; i < 100; i++) tracing.tracer.startSpan('child', { attributes: { blob: 'x'.repeat(1000) } }).end();
      holder.end();
    });
    root.end();
    expect(tracing.stats().tail?.bytesHeld).toBe(0);
    expect(tracing.stats().tail?.tracesDecidedEarly).toBeGreaterThan(0);
  });

  it('a throwing predicate keeps the unit rather than losing it', async () => {
    const { tracing, finished } = tailTracing({
      probability: 0,
      keep: () => {
        throw new Error('bug');
      },
    });
    tracing.tracer.startSpan('x').end();
    const [span] = await finished();
    expect(span?.attributes['wideline.sampling.reason']).toBe('error');
  });
});
