import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeResourceSpans, encodeSpans, joinResourceSpans } from '../src/sdk';

/** Our encoding of `spans` equals OpenTelemetry's own JSON serializer's. */
function expectSameAsReference(spans: Parameters<typeof encodeSpans>[0]): void {
  const ours = JSON.parse(encodeSpans(spans));
  const reference = JSON.parse(
    new TextDecoder().decode(
      JsonTraceSerializer.serializeRequest(spans as Parameters<typeof JsonTraceSerializer.serializeRequest>[0]),
    ),
  );
  // The reference adds empty optional fields (flags, schemaUrl) that collectors treat as absent.
  const strip = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value), (key, v) =>
      ['flags', 'schemaUrl', 'droppedAttributesCount', 'entityRefs'].includes(key) || v === '' ? undefined : v,
    );
  expect(strip(ours)).toEqual(strip(reference));
}

describe('encodeSpans', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const memory = { tracer: provider.getTracer('test'), spans: () => exporter.getFinishedSpans() };
  afterEach(() => exporter.reset());

  it('produces the same OTLP/JSON request as the OpenTelemetry serializer', () => {
    const parent = memory.tracer.startSpan('click button#buy', {
      attributes: { 'wideline.interaction.type': 'click' },
    });
    parent.addEvent('responseEnd', { 'x.count': 3, 'x.ratio': 0.5, 'x.ok': true, 'x.list': ['a', 'b'] });
    const child = memory.tracer.startSpan(
      'GET /api/buy',
      { kind: SpanKind.CLIENT, attributes: { 'http.response.status_code': 503, 'url.full': 'http://x/api' } },
      trace.setSpan(context.active(), parent),
    );
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream' });
    child.end();
    parent.end();
    const spans = memory.spans();

    expectSameAsReference(spans);
  });

  it('matches the OpenTelemetry serializer on every value type, escapes, links, events and trace state', () => {
    const linked = memory.tracer.startSpan('linked');
    linked.end();
    const span = memory.tracer.startSpan('say "hi"\n\u2028 ünï', {
      kind: SpanKind.CONSUMER,
      links: [
        { context: linked.spanContext(), attributes: { 'link.type': 'creation' } },
        { context: linked.spanContext() },
      ],
      attributes: {
        text: 'quote " backslash \\ tab \t emoji 🎉',
        int: -7,
        big: 2 ** 40,
        double: 0.25,
        yes: true,
        no: false,
        strings: ['a', 'b"'],
        numbers: [1, 2.5],
        bools: [true],
        empty: [],
      },
    });
    span.addEvent('exception', { 'exception.message': 'bad\u0000byte' });
    span.addEvent('no attributes');
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
    const spans = memory.spans();
    expectSameAsReference(spans);
  });

  it('writes 64-bit times as strings and OTLP span kinds', () => {
    memory.tracer
      .startSpan('ws send chat.post', { kind: SpanKind.PRODUCER, startTime: 1_700_000_000_123 })
      .end(1_700_000_000_456);
    const body = JSON.parse(encodeSpans(memory.spans()));
    const span = body.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.startTimeUnixNano).toBe('1700000000123000000');
    expect(span.endTimeUnixNano).toBe('1700000000456000000');
    expect(span.kind).toBe(4);
  });
});

describe('encodeResourceSpans / joinResourceSpans', () => {
  it('joins batches encoded separately into one request with every span', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('test');
    tracer.startSpan('a').end();
    tracer.startSpan('b').end();
    const [a, b] = exporter.getFinishedSpans() as [ReadableSpan, ReadableSpan];
    const joined = JSON.parse(
      joinResourceSpans([encodeResourceSpans([a]), encodeResourceSpans([]), encodeResourceSpans([b])]),
    );
    const names = joined.resourceSpans.flatMap((r: { scopeSpans: Array<{ spans: Array<{ name: string }> }> }) =>
      r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name)),
    );
    expect(names).toEqual(['a', 'b']);
    expect(encodeResourceSpans([])).toBe('');
    expect(JSON.parse(encodeSpans([]))).toEqual({ resourceSpans: [] });
  });
});
