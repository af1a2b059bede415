/**
 * The W3C Trace Context conformance cases, as data: what a caller sends to a service, and what the
 * service's outgoing call must carry. Each case names its source — a test of the W3C's own harness
 * (w3c/trace-context `test/test.py`, strict level 2, with its tracestate key tests as updated for the
 * current key grammar by w3c/trace-context#584) or the section of the spec it is read from (Level 1
 * and Level 2 share the numbering: §3.2 traceparent, §3.3 tracestate, §3.4/3.5 mutations, §4
 * processing model). The checks are written from the spec text, not from any implementation.
 *
 * Expectations assume a service that samples every new trace it starts (ratio 1) and follows its
 * caller's sampled flag, so a new root's flags are `03` (sampled, random-trace-id).
 */

/** One header as sent on the wire, name spelled as given (some cases test the name's casing). */
export type RawHeader = readonly [name: string, value: string];

export interface W3CCase {
  name: string;
  /** The harness test or spec section this case comes from. */
  source: string;
  headers: readonly RawHeader[];
  /** Outgoing calls the service makes for this case (the harness's AdvancedTest asks for 3). */
  calls?: number;
  expect: {
    /** `same`: the incoming trace id continues; `new`: a trace id that appears in no incoming header. */
    trace: 'same' | 'new';
    /** The outgoing `trace-flags`, exactly. */
    flags: string;
    /** The outgoing `tracestate`, byte for byte, or `null` for none (absent or empty). */
    tracestate: string | null;
  };
}

export const W3C_TRACE_ID = '12345678901234567890123456789012';
export const W3C_PARENT_ID = '1234567890123456';

/** A caller's traceparent with the harness's ids. */
export const tp = (flags = '01', version = '00') => `${version}-${W3C_TRACE_ID}-${W3C_PARENT_ID}-${flags}`;
/** The caller's trace continues with these flags and this tracestate. */
export const same = (flags: string, tracestate: string | null = null) => ({
  trace: 'same' as const,
  flags,
  tracestate,
});
/** A restarted (or new) trace: sampled, random-trace-id set, no tracestate (§3.5 restart: "clean up tracestate"). */
export const NEW = { trace: 'new' as const, flags: '03', tracestate: null };

/** Headers of one received request, names lower-cased; repeated headers as arrays. */
export type ReceivedHeaders = Record<string, string | string[] | undefined>;

const TRACEPARENT_RE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * What is wrong with the outgoing calls a service made for `testCase` (`[]` when nothing is): one
 * well-formed version-00 `traceparent` per call (§3.2.2), the trace id continued or new as
 * expected, a parent-id other than the caller's and different for every call (§3.5 "Update
 * parent-id"), the flags and the `tracestate` exactly as expected.
 */
export function checkPropagation(testCase: W3CCase, calls: readonly ReceivedHeaders[]): string[] {
  const problems: string[] = [];
  const wanted = testCase.calls ?? 1;
  if (calls.length < wanted) return [`expected ${wanted} outgoing call(s), got ${calls.length}`];
  const parentIds = new Set<string>();
  const traceIds = new Set<string>();
  for (const [i, headers] of calls.slice(0, wanted).entries()) {
    const at = wanted > 1 ? `call ${i + 1}: ` : '';
    const raw = headers.traceparent;
    if (typeof raw !== 'string') {
      problems.push(`${at}expected one traceparent header, got ${JSON.stringify(raw)}`);
      continue;
    }
    const match = TRACEPARENT_RE.exec(raw);
    if (!match) {
      problems.push(`${at}traceparent ${JSON.stringify(raw)} is not a valid version-00 value`);
      continue;
    }
    const [, traceId = '', parentId = '', flags = ''] = match;
    traceIds.add(traceId);
    parentIds.add(parentId);
    if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) problems.push(`${at}all-zero id in ${raw}`);
    if (testCase.expect.trace === 'same' && traceId !== W3C_TRACE_ID)
      problems.push(`${at}trace id ${traceId}, expected the caller's ${W3C_TRACE_ID}`);
    if (testCase.expect.trace === 'new' && testCase.headers.some(([, value]) => value.includes(traceId)))
      problems.push(`${at}trace id ${traceId} was taken from an invalid header; expected a new one`);
    if (parentId === W3C_PARENT_ID) problems.push(`${at}parent-id not updated (still the caller's ${parentId})`);
    if (flags !== testCase.expect.flags) problems.push(`${at}trace-flags ${flags}, expected ${testCase.expect.flags}`);
    const state = headers.tracestate;
    const received = Array.isArray(state) ? state.join(',') : state === undefined || state === '' ? null : state;
    if (received !== testCase.expect.tracestate)
      problems.push(
        `${at}tracestate ${JSON.stringify(received)}, expected ${JSON.stringify(testCase.expect.tracestate)}`,
      );
  }
  if (traceIds.size > 1) problems.push(`calls carried ${traceIds.size} trace ids, expected one`);
  if (parentIds.size < Math.min(wanted, calls.length)) problems.push('calls share a parent-id; each needs its own');
  return problems;
}
