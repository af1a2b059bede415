import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, expect, it, vi } from 'vitest';
import { createNodeTracing } from '../src/node';

afterEach(() => vi.unstubAllEnvs());

it('reads the span-limit variables from process.env, the span-specific one over the general one', async () => {
  vi.stubEnv('OTEL_ATTRIBUTE_COUNT_LIMIT', '5');
  vi.stubEnv('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', '2');
  vi.stubEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', '3');
  vi.stubEnv('OTEL_SPAN_EVENT_COUNT_LIMIT', '1');
  const exporter = new InMemorySpanExporter();
  const tracing = createNodeTracing({ serviceName: 'limits', exporter, register: false, redaction: false });
  const span = tracing.tracer.startSpan('work', { attributes: { a: 'abcdef', b: 'x', c: 'y' } });
  span.addEvent('one');
  span.addEvent('two');
  span.end();
  await tracing.forceFlush();
  const [exported] = exporter.getFinishedSpans();
  await tracing.shutdown();
  expect(exported?.attributes).toEqual({ a: 'abc', b: 'x' });
  expect(exported?.events.map((e) => e.name)).toEqual(['two']);
});

it('keeps the SDK defaults without the variables', async () => {
  const exporter = new InMemorySpanExporter();
  const tracing = createNodeTracing({ serviceName: 'limits', exporter, register: false, redaction: false });
  const span = tracing.tracer.startSpan('work');
  for (let i = 0; i < 130; i++) span.setAttribute(`k${i}`, 'v'.repeat(300));
  span.end();
  await tracing.forceFlush();
  const attributes = exporter.getFinishedSpans()[0]?.attributes ?? {};
  await tracing.shutdown();
  expect(Object.keys(attributes)).toHaveLength(128);
  expect(attributes.k0).toHaveLength(300);
});
