import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { expect, it } from 'vitest';
import type { Env } from './fixtures/unit-worker';
import { reset, worker } from './helpers';

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(20261128);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const junk = (n: number) => Array.from({ length: n }, () => PRINTABLE[int(PRINTABLE.length)]).join('');

function validTraceparent(): string {
  return `00-${hex(32)}-${hex(16)}-${pick(['00', '01'])}`;
}

/** Valid values and many ways of breaking them. */
function traceparentCase(): string {
  const base = validTraceparent();
  switch (int(12)) {
    case 0:
      return base;
    case 1: {
      const i = int(base.length);
      return base.slice(0, i) + junk(1) + base.slice(i + 1);
    }
    case 2:
      return base.toUpperCase();
    case 3:
      return base.slice(0, int(base.length));
    case 4:
      return base + junk(1 + int(5));
    case 5:
      return `ff${base.slice(2)}`;
    case 6:
      return `${hex(2)}${base.slice(2)}-${junk(int(8))}`;
    case 7:
      return `${hex(2)}${base.slice(2)}${junk(1 + int(4))}`;
    case 8:
      return `00-${'0'.repeat(32)}-${hex(16)}-01`;
    case 9:
      return `00-${hex(32)}-${'0'.repeat(16)}-01`;
    case 10:
      return junk(int(80));
    default:
      return junk(400 + int(400));
  }
}

/**
 * The W3C Trace Context rules, written independently of the implementation under test: the trace id
 * a valid header continues, and whether it has the random-trace-id flag (0x02).
 */
function expectedParent(header: string): { traceId: string; random: boolean } | undefined {
  const value = header.replace(/^[ \t]+|[ \t]+$/g, '');
  const match = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(.*)$/.exec(value);
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (version === 'ff') return undefined;
  if (version === '00' && rest !== '') return undefined;
  if (rest !== '' && !rest.startsWith('-')) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, random: (Number.parseInt(flags, 16) & 2) === 2 };
}

function tracestateCase(): string {
  switch (int(6)) {
    case 0:
      return `vendor=${junk(int(20)).replace(/[,=]/g, '')}`;
    case 1:
      return Array.from({ length: int(40) }, () => `${junk(int(6))}=${junk(int(6))}`).join(',');
    case 2:
      return `a=1,a=2`;
    case 3:
      return junk(int(1200));
    case 4:
      return 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE';
    default:
      return `${'k'.repeat(300)}=v`;
  }
}

function baggageCase(): string {
  switch (int(5)) {
    case 0:
      return `user=${encodeURIComponent(junk(int(30)))};prop=1`;
    case 1:
      return Array.from({ length: int(100) }, () => `${junk(int(5))}=${junk(int(5))}`).join(',');
    case 2:
      return `k=%E0%A4%A`;
    case 3:
      return junk(int(20_000));
    default:
      return 'userId=alice,serverNode=DF%2028,isProduction=false';
  }
}

it('survives thousands of generated traceparent/tracestate/baggage values: invalid starts a new trace, valid continues', async () => {
  let continued = 0;
  let restarted = 0;
  for (let i = 0; i < 2500; i++) {
    const traceparent = traceparentCase();
    const headers = new Headers();
    headers.set('traceparent', traceparent);
    if (random() < 0.7) headers.set('tracestate', tracestateCase());
    if (random() < 0.7) headers.set('baggage', baggageCase());
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request('https://edge.test/hello', { headers }), env as Env, ctx);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    await waitOnExecutionContext(ctx);

    const answered = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[0-3])$/.exec(response.headers.get('traceresponse') ?? '');
    expect(answered, `no traceresponse for ${JSON.stringify(traceparent)}`).not.toBeNull();
    const expected = expectedParent(headers.get('traceparent') ?? '');
    // Level 2: a continued trace keeps the caller's random-trace-id flag; a restarted one has a
    // random trace id and says so.
    const randomFlag = (Number.parseInt(answered?.[3] ?? '', 16) & 2) === 2;
    if (expected) {
      expect(answered?.[1], `should continue ${JSON.stringify(traceparent)}`).toBe(expected.traceId);
      expect(randomFlag, `random flag continued from ${JSON.stringify(traceparent)}`).toBe(expected.random);
      continued++;
    } else {
      expect(answered?.[1], `should restart on ${JSON.stringify(traceparent)}`).not.toBe(
        /[0-9a-f]{32}/.exec(traceparent)?.[0],
      );
      expect(randomFlag, `random flag on a trace restarted from ${JSON.stringify(traceparent)}`).toBe(true);
      restarted++;
    }
    if (i % 500 === 0) reset();
  }
  // The generator must exercise both outcomes substantially.
  expect(continued).toBeGreaterThan(300);
  expect(restarted).toBeGreaterThan(1000);
}, 120_000);
