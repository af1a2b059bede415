import { context, createTraceState, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
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
  // Every field, span flags, schema URLs and dropped counts included; nothing is stripped.
  expect(ours).toStrictEqual(reference);
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
        lone: 'half \ud800 a pair',
        del: 'delete \u007f',
        long: 'x'.repeat(5000),
        int: -7,
        big: 2 ** 40,
        double: 0.25,
        yes: true,
        no: false,
        strings: ['a', 'b"'],
        numbers: [1, 2.5, -0, 2 ** 70, Number.NaN],
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

  it('matches it on span flags, remote parents and links, schema URLs, dropped counts and null array members', () => {
    const limited = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes(
        { 'service.name': 'checkout' },
        { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' },
      ),
      spanLimits: { attributeCountLimit: 2, eventCountLimit: 1, attributePerEventCountLimit: 1 },
      spanProcessors: [new SimpleSpanProcessor(limited)],
    });
    const tracer = provider.getTracer('orders', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.21.0' });
    const remote = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: createTraceState('vendor=a,other=b'),
    };
    const unsampledLocal = { traceId: 'f'.repeat(32), spanId: '1'.repeat(16), traceFlags: TraceFlags.NONE };
    const child = tracer.startSpan(
      'process order',
      { links: [{ context: remote, attributes: { 'link.kind': 'cause' } }, { context: unsampledLocal }] },
      trace.setSpanContext(context.active(), remote),
    );
    child.setAttributes({ a: 1, b: 2, c: 3, mixed: ['x', null, 'y'] as string[] });
    child.addEvent('first', { one: 1, two: 2 });
    child.addEvent('second');
    child.end();
    provider.getTracer('other').startSpan('root').end();
    const spans = limited.getFinishedSpans();
    const body = JSON.parse(encodeSpans(spans));
    const [encodedChild, root] = body.resourceSpans[0].scopeSpans.flatMap((s: { spans: unknown[] }) => s.spans);
    expect(encodedChild.flags).toBe(0x301);
    expect(encodedChild.links.map((link: { flags: number }) => link.flags)).toEqual([0x301, 0x100]);
    expect(root.flags).toBe(0x101);
    expect([encodedChild.droppedAttributesCount, encodedChild.droppedEventsCount]).toEqual([2, 1]);
    expectSameAsReference(spans);
  });

  it('writes 64-bit times as strings, nanoseconds zero-padded, and OTLP span kinds', () => {
    memory.tracer
      .startSpan('ws send chat.post', { kind: SpanKind.PRODUCER, startTime: 1_700_000_000_005 })
      .end(1_700_000_000_456);
    const body = JSON.parse(encodeSpans(memory.spans()));
    const span = body.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.startTimeUnixNano).toBe('1700000000005000000');
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
