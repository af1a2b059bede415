/**
 * W3C Trace Context conformance of core's propagation, table-driven from the spec's text: every
 * case of `@wideline/testkit`'s W3C table (the W3C harness's cases plus the Level 2 flag rules) run
 * through one hop as a service built on core makes it — extract the caller's headers, start the
 * SERVER span, start a CLIENT span per outgoing call, inject — over both carriers runtimes hand in:
 * a Fetch `Headers` (Workers, browsers, undici) and a plain record with repeated headers as arrays.
 */
import { type Context, context, ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import { checkPropagation, type ReceivedHeaders, W3C_CASES, type W3CCase } from '@wideline/testkit';
import { describe, expect, it } from 'vitest';
import { headersGetter, remoteContext, sentryTraceHeaders, W3CPropagator } from '../src/index';
import { formatTraceresponse, parseBaggage, parseTracestate, W3CTraceState, WidelineTracerProvider } from '../src/sdk';
import { memoryTracing } from './helpers';

const propagator = new W3CPropagator();
const { tracing } = memoryTracing();

function fetchCarrier(testCase: W3CCase): Headers {
  const headers = new Headers();
  for (const [name, value] of testCase.headers) headers.append(name, value);
  return headers;
}

function recordCarrier(testCase: W3CCase): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of testCase.headers) {
    const key = name.toLowerCase();
    const existing = record[key];
    record[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return record;
}

/** One service hop: what its outgoing calls carry for an incoming request with `carrier`. */
function hop(testCase: W3CCase, carrier: Headers | Record<string, string | string[]>): ReceivedHeaders[] {
  const parent = propagator.extract(context.active(), carrier, headersGetter);
  const server = tracing.tracer.startSpan('POST /test', { kind: SpanKind.SERVER }, parent);
  const calls = Array.from({ length: testCase.calls ?? 1 }, () => {
    const inServer = trace.setSpan(parent, server);
    const client: Span = tracing.tracer.startSpan('POST', { kind: SpanKind.CLIENT }, inServer);
    const out: Record<string, string> = {};
    propagator.inject(trace.setSpan(inServer, client), out, {
      set: (c, k, v) => {
        c[k] = v;
      },
    });
    client.end();
    return out;
  });
  server.end();
  return calls;
}

describe.each([
  ['Fetch Headers', fetchCarrier],
  ['header record', recordCarrier],
] as const)('W3C Trace Context, one hop through core (%s carrier)', (_carrier, carrierOf) => {
  it.each(W3C_CASES.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    expect(checkPropagation(testCase, hop(testCase, carrierOf(testCase)))).toEqual([]);
  });
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const stateOf = (header: string) => parseTracestate(header) ?? new W3CTraceState();

/** Mutation rules (§3.5, §3.3.1.4) and what Wideline derives from the flags, one row per rule. */
const RULES: ReadonlyArray<readonly [rule: string, actual: () => unknown, expected: unknown]> = [
  [
    '§3.5 tracestate "Update key value": the modified key moves to the left, the others keep their order',
    () => stateOf('a=1,b=2,c=3').set('b', '9').serialize(),
    'b=9,a=1,c=3',
  ],
  [
    '§3.5 tracestate "Add a new key/value pair": added at the left',
    () => stateOf('rojo=00f067aa0ba902b7').set('congo', 't61rcWkgMzE').serialize(),
    'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
  ],
  ['§3.5 tracestate "Delete a key/value pair"', () => stateOf('a=1,b=2,c=3').unset('b').serialize(), 'a=1,c=3'],
  [
    '§3.5 adding a 33rd member removes the right-most one',
    () =>
      stateOf(Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(','))
        .set('new', '1')
        .serialize(),
    ['new=1', ...Array.from({ length: 31 }, (_, i) => `k${i}=v`)].join(','),
  ],
  [
    '§3.3.1.3 set() refuses an invalid key or value, leaving the state as it was',
    () =>
      [stateOf('a=1').set('A', '1'), stateOf('a=1').set('b', 'x=y'), stateOf('a=1').set('@b', '1')].map((s) =>
        s.serialize(),
      ),
    ['a=1', 'a=1', 'a=1'],
  ],
  [
    '§3.3.1.3.1 set() accepts keys of the current grammar (digit first, "@" anywhere after the first)',
    () => new W3CTraceState().set('1abc', '1').set('foo@bar@baz', '2').set('x@', '3').serialize(),
    'x@=3,foo@bar@baz=2,1abc=1',
  ],
  ['Level 2 §3.2.2.5.2 a new sampled root (random ids): trace-flags 03', () => newRootFlags({}), '03'],
  [
    'Level 2 §3.2.2.5.2 a new unsampled root (ratio 0): trace-flags 02, still propagated',
    () => newRootFlags({ sampling: { head: { ratio: 0 } } }),
    '02',
  ],
  [
    'Level 2 §3.2.2.5.2 a root given root: true restarts the trace and sets the flag anew',
    () => {
      const parent = remoteContext(`00-${TRACE_ID}-${SPAN_ID}-00`) as Context;
      const span = tracing.tracer.startSpan('restart', { root: true }, parent);
      span.end();
      return [span.spanContext().traceId === TRACE_ID, span.spanContext().traceFlags];
    },
    [false, 3],
  ],
  [
    'Level 2 §3.2.2.5.2 with an id generator of unknown randomness, a new root does not claim the flag',
    () => {
      const provider = new WidelineTracerProvider({
        idGenerator: { generateTraceId: () => 'a'.repeat(32), generateSpanId: () => 'b'.repeat(16) },
      });
      return provider.getTracer('t').startSpan('root').spanContext().traceFlags;
    },
    1,
  ],
  [
    'Level 2 §3.2.2.5.2 an id generator built on the SDK’s random one keeps the flag on new roots',
    () => {
      class Reserving extends RandomIdGenerator {}
      const provider = new WidelineTracerProvider({ idGenerator: new Reserving() });
      return provider.getTracer('t').startSpan('root').spanContext().traceFlags;
    },
    3,
  ],
  [
    'Level 2 §3.2.2.5.2 children keep their trace’s flag, through startActiveSpan too',
    () =>
      [`00-${TRACE_ID}-${SPAN_ID}-02`, `00-${TRACE_ID}-${SPAN_ID}-01`].map((header) =>
        tracing.tracer.startActiveSpan('outer', {}, remoteContext(header) as Context, (outer) =>
          tracing.tracer.startActiveSpan('inner', (inner) => {
            inner.end();
            outer.end();
            return inner.spanContext().traceFlags;
          }),
        ),
      ),
    [2, 1],
  ],
  [
    'Level 2 traceresponse: the random-trace-id flag of the trace, sampled per the decision',
    () => [
      formatTraceresponse({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0x02 }, true),
      formatTraceresponse({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0x03 }, false),
    ],
    [`00-${TRACE_ID}-${SPAN_ID}-03`, `00-${TRACE_ID}-${SPAN_ID}-02`],
  ],
  [
    'sentry-trace follows the sampled flag: an unsampled parent gives …-0 and sentry-sampled=false',
    () => {
      const headers = sentryTraceHeaders({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0x02 });
      return [headers['sentry-trace'], parseBaggage(headers.baggage).get('sentry-sampled')?.value];
    },
    [`${TRACE_ID}-${SPAN_ID}-0`, 'false'],
  ],
  [
    'sentry-trace for a sampled parent with the random flag: …-1 and sentry-sampled=true',
    () => {
      const headers = sentryTraceHeaders({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0x03 });
      return [headers['sentry-trace'], parseBaggage(headers.baggage).get('sentry-sampled')?.value];
    },
    [`${TRACE_ID}-${SPAN_ID}-1`, 'true'],
  ],
];

function newRootFlags(options: Parameters<typeof memoryTracing>[0]): string | undefined {
  const local = memoryTracing(options).tracing;
  const span = local.tracer.startSpan('root');
  const out: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), out, {
    set: (c, k, v) => {
      c[k] = v;
    },
  });
  span.end();
  return out.traceparent?.slice(53);
}

describe('W3C Trace Context mutation rules and derived headers', () => {
  it.each(RULES.map(([rule, actual, expected]) => [rule, actual, expected] as const))(
    '%s',
    (_rule, actual, expected) => {
      expect(actual()).toEqual(expected);
    },
  );
});
