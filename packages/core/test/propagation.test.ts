import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTracing, parseTraceresponse, remoteContext, sentryTraceHeaders, W3CPropagator } from '../src/index';
import {
  formatBaggage,
  formatTraceparent,
  formatTraceresponse,
  parseBaggage,
  parseTraceparent,
  parseTracestate,
  W3CTraceState,
} from '../src/sdk';
import { seeded } from './helpers';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

/** An independent statement of the Recommendation's rules, to check the parser against. */
function oracle(header: string): boolean {
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/.exec(
    header.replace(/^[ \t]+|[ \t]+$/g, ''),
  );
  if (!m) return false;
  const [, version, traceId, spanId, , rest] = m;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return false;
  return !/^0+$/.test(traceId as string) && !/^0+$/.test(spanId as string);
}

describe('parseTraceparent', () => {
  it('parses a valid header', () => {
    expect(parseTraceparent(VALID)).toEqual({ version: '00', traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    expect(parseTraceparent(`  ${VALID}\t`)?.traceId).toBe(TRACE_ID);
    expect(parseTraceparent([VALID])?.spanId).toBe(SPAN_ID);
  });

  it('accepts future versions with extra fields after a dash, reading only the flags the spec defines', () => {
    // 0x09 = sampled + an undefined bit (0x08): "The vendor will only parse the trace-flags values
    // supported by this version of this specification and ignore all other values."
    expect(parseTraceparent(`cc-${TRACE_ID}-${SPAN_ID}-09-what-the-future-holds`)).toMatchObject({
      version: 'cc',
      traceFlags: 1,
    });
    expect(parseTraceparent(`cc-${TRACE_ID}-${SPAN_ID}-01x`)).toBeUndefined();
    // Exactly 55 characters is a complete future-version value; the version is kept as received.
    expect(parseTraceparent(`fe-${TRACE_ID}-${SPAN_ID}-03`)).toMatchObject({ version: 'fe', traceFlags: 3 });
    expect(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-`)?.version).toBe('01');
  });

  it('reads the flags as hex: only sampled (0x01) and random-trace-id (0x02) are kept', () => {
    const flags = (hex: string) => parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-${hex}`)?.traceFlags;
    expect([flags('00'), flags('01'), flags('02'), flags('03'), flags('ff'), flags('fc'), flags('a1')]).toEqual([
      0, 1, 2, 3, 3, 0, 1,
    ]);
  });

  it.each([
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['version 00 with extra field', `${VALID}-extra`],
    ['upper-case trace id', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['upper-case version', `0A-${TRACE_ID}-${SPAN_ID}-01`],
    ['upper-case version ff', `FF-${TRACE_ID}-${SPAN_ID}-01`],
    ['upper-case span id', `00-${TRACE_ID}-${SPAN_ID.toUpperCase()}-01`],
    ['upper-case flags', `00-${TRACE_ID}-${SPAN_ID}-0A`],
    ['a non-hex version', `0g-${TRACE_ID}-${SPAN_ID}-01`],
    ['version ff with extra fields', `ff-${TRACE_ID}-${SPAN_ID}-01-extra`],
    ['a future version shorter than 55 characters', `cc-${TRACE_ID}-${SPAN_ID}-1`],
    ['a future version with upper-case hex', `cc-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01-x`],
    ['a future version with an all-zero span id', `cc-${TRACE_ID}-${'0'.repeat(16)}-01-x`],
    ['a future version with a non-hex trace id', `cc-${TRACE_ID.slice(0, 31)}x-${SPAN_ID}-01`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['long span id', `00-${TRACE_ID}-${SPAN_ID}0-01`],
    ['non-hex flags', `00-${TRACE_ID}-${SPAN_ID}-0g`],
    ['wrong delimiter', `00_${TRACE_ID}_${SPAN_ID}_01`],
    ['empty', ''],
    ['two headers', [VALID, VALID]],
    ['null', null],
    ['oversize', `00-${TRACE_ID}-${SPAN_ID}-01-${'a'.repeat(600)}`],
  ])('rejects %s', (_name, header) => {
    expect(parseTraceparent(header as string)).toBeUndefined();
  });

  it.each([
    ['version 00', VALID],
    ['a future version', `cc-${TRACE_ID}-${SPAN_ID}-01-future`],
  ])(
    'never throws on thousands of malformed values made from %s, and accepts exactly the valid ones',
    (_name, valid) => {
      const random = seeded(7);
      const alphabet = '0123456789abcdefABCDEF-_ xz\u0000\u00e9';
      let accepted = 0;
      for (let i = 0; i < 5000; i++) {
        const chars = valid.split('');
        const mutations = 1 + Math.floor(random() * 3);
        for (let m = 0; m < mutations; m++) {
          const at = Math.floor(random() * chars.length);
          const op = random();
          const c = alphabet[Math.floor(random() * alphabet.length)] as string;
          if (op < 0.5) chars[at] = c;
          else if (op < 0.75) chars.splice(at, 1);
          else chars.splice(at, 0, c);
        }
        const header = chars.join('');
        const parsed = parseTraceparent(header);
        expect(parsed !== undefined).toBe(oracle(header));
        if (parsed) accepted++;
      }
      expect(accepted).toBeGreaterThan(100);
    },
  );

  it('round-trips through formatTraceparent and traceresponse', () => {
    const spanContext = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED };
    expect(formatTraceparent(spanContext)).toBe(VALID);
    expect(parseTraceresponse(formatTraceresponse(spanContext, true))?.sampled).toBe(true);
    expect(parseTraceresponse(formatTraceresponse(spanContext, false))?.sampled).toBe(false);
    expect(parseTraceresponse('garbage')).toBeUndefined();
  });
});

describe('parseTracestate', () => {
  it('parses members in order, joining several headers', () => {
    const state = parseTracestate(['congo=t61rcWkgMzE', ' rojo=00f067aa0ba902b7 ,, tenant@vendor=x']);
    expect(state?.serialize()).toBe('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,tenant@vendor=x');
    expect(state?.get('rojo')).toBe('00f067aa0ba902b7');
  });

  it.each([
    ['duplicate key', 'a=1,a=2'],
    ['upper-case key', 'Abc=1'],
    ['value with comma-free but = sign', 'a=b=c'],
    ['empty value', 'a='],
    ['missing key', '=v'],
    ['33 members', Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',')],
    ['value ending in space', 'a=b '.concat('\u0000')],
  ])('discards the whole header on %s', (_name, header) => {
    expect(parseTracestate(header)).toBeUndefined();
  });

  it('truncates to 512 characters by dropping long members first', () => {
    const long = `big=${'x'.repeat(200)}`;
    const members = [long, ...Array.from({ length: 20 }, (_, i) => `k${i}=${'v'.repeat(20)}`)].join(',');
    const serialized = parseTracestate(members)?.serialize() ?? '';
    expect(serialized.length).toBeLessThanOrEqual(512);
    expect(serialized).not.toContain('big=');
    expect(serialized).toContain('k0=');
  });

  it('set moves the key to the front and ignores invalid input', () => {
    const state = new W3CTraceState([
      ['a', '1'],
      ['b', '2'],
    ]).set('b', '3');
    expect(state.serialize()).toBe('b=3,a=1');
    expect(state.set('BAD', 'x').serialize()).toBe('b=3,a=1');
  });
});

describe('baggage', () => {
  it('keeps valid members and skips malformed ones', () => {
    const entries = parseBaggage('user.id=u%201;ttl=30, bad key=1,=x,noequals,ok=2,enc=%E0%A4%A');
    expect([...entries.keys()]).toEqual(['user.id', 'ok']);
    expect(entries.get('user.id')).toEqual({ value: 'u 1', metadata: 'ttl=30' });
  });

  it('bounds members and bytes', () => {
    const many = Array.from({ length: 100 }, (_, i) => `k${i}=v`).join(',');
    expect(parseBaggage(many).size).toBe(64);
    const header = formatBaggage(Array.from({ length: 60 }, (_, i) => [`k${i}`, { value: 'x'.repeat(300) }] as const));
    expect(header.length).toBeLessThanOrEqual(8192);
  });
});

describe('W3CPropagator', () => {
  const propagator = new W3CPropagator();

  it('extracts a remote parent, tracestate and baggage, and injects them back', () => {
    const carrier = { traceparent: VALID, tracestate: 'vendor=1', baggage: 'tenant=acme' };
    const ctx = propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
    const spanContext = trace.getSpanContext(ctx);
    expect(spanContext).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, isRemote: true, traceFlags: 1 });
    expect(propagation.getBaggage(ctx)?.getEntry('tenant')?.value).toBe('acme');
    const out: Record<string, string> = {};
    propagator.inject(ctx, out, defaultTextMapSetter);
    expect(out).toEqual({ traceparent: VALID, tracestate: 'vendor=1', baggage: 'tenant=acme' });
  });

  it('ignores invalid traceparent (new root) and invalid tracestate (dropped), without throwing', () => {
    const bad = propagator.extract(
      ROOT_CONTEXT,
      { traceparent: VALID.toUpperCase(), tracestate: 'x=1' },
      defaultTextMapGetter,
    );
    expect(trace.getSpanContext(bad)).toBeUndefined();
    const noState = propagator.extract(
      ROOT_CONTEXT,
      { traceparent: VALID, tracestate: 'a=1,a=2' },
      defaultTextMapGetter,
    );
    expect(trace.getSpanContext(noState)?.traceState).toBeUndefined();
    expect(() =>
      propagator.extract(context.active(), { traceparent: 42 as unknown as string }, defaultTextMapGetter),
    ).not.toThrow();
  });
});

describe('the global propagator', () => {
  it('createTracing registers the W3C propagator, and leaves it alone with register: false', async () => {
    const injected = () => {
      const out: Record<string, string> = {};
      const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
      propagation.inject(parent, out, defaultTextMapSetter);
      return out;
    };
    const unregistered = createTracing({ register: false, exporter: new InMemorySpanExporter() });
    expect(injected()).toEqual({});
    await unregistered.shutdown();
    const tracing = createTracing({ exporter: new InMemorySpanExporter() });
    try {
      expect(injected()).toEqual({ traceparent: VALID });
    } finally {
      await tracing.shutdown();
      propagation.disable();
      trace.disable();
    }
  });
});

describe('sentryTraceHeaders', () => {
  it('derives sentry-trace and merges baggage from the OTel ids', () => {
    const headers = sentryTraceHeaders(
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 },
      { baggage: 'tenant=acme,sentry-trace_id=old', dsc: { environment: 'dev' } },
    );
    expect(headers['sentry-trace']).toBe(`${TRACE_ID}-${SPAN_ID}-1`);
    const baggage = parseBaggage(headers.baggage);
    expect(baggage.get('tenant')?.value).toBe('acme');
    expect(baggage.get('sentry-trace_id')?.value).toBe(TRACE_ID);
    expect(baggage.get('sentry-sampled')?.value).toBe('true');
    expect(baggage.get('sentry-environment')?.value).toBe('dev');
  });
});

describe('remoteContext', () => {
  it('builds a remote parent from a traceparent found outside headers, or nothing when invalid', () => {
    const ctx = remoteContext(VALID, 'vendor=1');
    expect(trace.getSpanContext(ctx ?? ROOT_CONTEXT)).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      isRemote: true,
    });
    expect(trace.getSpanContext(ctx ?? ROOT_CONTEXT)?.traceState?.get('vendor')).toBe('1');
    expect(remoteContext(VALID, 'bad key=1')).toBeDefined();
    expect(trace.getSpanContext(remoteContext(VALID, 'a=1,a=2') ?? ROOT_CONTEXT)?.traceState).toBeUndefined();
    expect(remoteContext('nope')).toBeUndefined();
    expect(remoteContext({ traceparent: VALID })).toBeUndefined();
    expect(remoteContext(undefined)).toBeUndefined();
  });
});
