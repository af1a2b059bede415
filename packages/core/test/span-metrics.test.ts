import type { Attributes, Counter, Meter, MeterProvider, UpDownCounter } from '@opentelemetry/api';
import { createNoopMeter } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { WidelineTracerProvider } from '../src/sdk';

/** A meter provider that records what the SDK's tracer adds to its `otel.sdk.span.*` instruments. */
function recordingMeters() {
  const adds: { metric: string; value: number; attributes: Attributes | undefined }[] = [];
  const instrument = (metric: string) => ({
    add: (value: number, attributes?: Attributes) => adds.push({ metric, value, attributes }),
  });
  const meter: Meter = {
    ...createNoopMeter(),
    createCounter: (metric: string) => instrument(metric) as Counter,
    createUpDownCounter: (metric: string) => instrument(metric) as UpDownCounter,
  };
  const meterProvider: MeterProvider = { getMeter: () => meter };
  return { adds, meterProvider };
}

describe("the SDK's per-span metrics", () => {
  it('still reach a meter provider the app passes', () => {
    const { adds, meterProvider } = recordingMeters();
    const provider = new WidelineTracerProvider({ meterProvider });
    provider.getTracer('t').startSpan('work').end();
    expect(adds.map((a) => [a.metric, a.value])).toEqual([
      ['otel.sdk.span.started', 1],
      ['otel.sdk.span.live', 1],
      ['otel.sdk.span.live', -1],
    ]);
  });

  it('without one, spans start, end and export as before (the unread no-op counting is skipped)', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new WidelineTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('t');
    const parent = tracer.startSpan('parent');
    parent.end();
    tracer.startSpan('child').end();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['parent', 'child']);
    expect(exporter.getFinishedSpans().every((s) => s.ended)).toBe(true);
  });
});
