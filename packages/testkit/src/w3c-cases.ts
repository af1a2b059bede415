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
const tp = (flags = '01', version = '00') => `${version}-${W3C_TRACE_ID}-${W3C_PARENT_ID}-${flags}`;
const TP00 = tp('00');

const same = (flags: string, tracestate: string | null = null) => ({ trace: 'same' as const, flags, tracestate });
/** A restarted (or new) trace: sampled, random-trace-id set, no tracestate (§3.5 restart: "clean up tracestate"). */
const NEW = { trace: 'new' as const, flags: '03', tracestate: null };

const KEY_CHARS = `${'abcdefghijklmnopqrstuvwxyz'}0123456789_-*/`;
const VALUE_CHARS = (() => {
  let value = '';
  for (let c = 0x20; c <= 0x7e; c++) if (c !== 0x2c && c !== 0x3d) value += String.fromCharCode(c);
  return value;
})();
const bars = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => {
    const n = String(from + i).padStart(2, '0');
    return `bar${n}=${n}`;
  }).join(',');
/** A value short enough for a test name, still telling long values apart. */
const abbreviated = (value: string) =>
  value.length > 40
    ? `${JSON.stringify(`${value.slice(0, 18)}…${value.slice(-14)}`)} (${value.length} chars)`
    : JSON.stringify(value);
const short = (n: number) => Array.from({ length: n }, (_, i) => `k${String(i).padStart(2, '0')}=${'v'.repeat(20)}`);

const traceparentCases: W3CCase[] = [
  {
    name: 'no traceparent: a new trace',
    source: 'test_both_traceparent_and_tracestate_missing',
    headers: [],
    expect: NEW,
  },
  {
    name: 'valid traceparent: same trace id, new parent-id',
    source: 'test_traceparent_included_tracestate_missing',
    headers: [['traceparent', tp()]],
    expect: same('01'),
  },
  {
    name: 'two traceparent headers: restart',
    source: 'test_traceparent_duplicated',
    headers: [
      ['traceparent', `00-12345678901234567890123456789011-${W3C_PARENT_ID}-01`],
      ['traceparent', tp()],
    ],
    expect: NEW,
  },
  ...['trace-parent', 'trace.parent'].map(
    (name): W3CCase => ({
      name: `header named ${name}: ignored`,
      source: 'test_traceparent_header_name',
      headers: [[name, tp()]],
      expect: NEW,
    }),
  ),
  ...['TraceParent', 'TrAcEpArEnT', 'TRACEPARENT'].map(
    (name): W3CCase => ({
      name: `header named ${name}: read (names are case-insensitive)`,
      source: 'test_traceparent_header_name_valid_casing',
      headers: [[name, tp()]],
      expect: same('01'),
    }),
  ),
  ...[`${tp()}.`, `${tp()}-what-the-future-will-be-like`].map(
    (value): W3CCase => ({
      name: `version 00 with trailing data ${JSON.stringify(value.slice(55))}: restart`,
      source: 'test_traceparent_version_0x00',
      headers: [['traceparent', value]],
      expect: NEW,
    }),
  ),
  ...[tp('01', 'cc'), `${tp('01', 'cc')}-what-the-future-will-be-like`].map(
    (value): W3CCase => ({
      name: `future version cc${value.length > 55 ? ' with more fields' : ''}: parsed, sent as version 00`,
      source: 'test_traceparent_version_0xcc',
      headers: [['traceparent', value]],
      expect: same('01'),
    }),
  ),
  {
    name: 'future version cc, flags not followed by a dash: restart',
    source: 'test_traceparent_version_0xcc',
    headers: [['traceparent', `${tp('01', 'cc')}.what-the-future-will-be-like`]],
    expect: NEW,
  },
  ...(
    [
      ['version ff', 'ff', 'test_traceparent_version_0xff'],
      ['version .0', '.0', 'test_traceparent_version_illegal_characters'],
      ['version 0.', '0.', 'test_traceparent_version_illegal_characters'],
      ['version 000', '000', 'test_traceparent_version_too_long'],
      ['version 0000', '0000', 'test_traceparent_version_too_long'],
      ['version 0', '0', 'test_traceparent_version_too_short'],
    ] as const
  ).map(
    ([name, version, source]): W3CCase => ({
      name: `${name}: restart`,
      source,
      headers: [['traceparent', tp('01', version)]],
      expect: NEW,
    }),
  ),
  ...(
    [
      ['trace-id all zero', `00-${'0'.repeat(32)}-${W3C_PARENT_ID}-01`, 'test_traceparent_trace_id_all_zero'],
      [
        'trace-id with "." first',
        `00-.${W3C_TRACE_ID.slice(1)}-${W3C_PARENT_ID}-01`,
        'test_traceparent_trace_id_illegal_characters',
      ],
      [
        'trace-id with "." last',
        `00-${W3C_TRACE_ID.slice(0, 31)}.-${W3C_PARENT_ID}-01`,
        'test_traceparent_trace_id_illegal_characters',
      ],
      ['trace-id of 33 digits', `00-${W3C_TRACE_ID}3-${W3C_PARENT_ID}-01`, 'test_traceparent_trace_id_too_long'],
      [
        'trace-id of 31 digits',
        `00-${W3C_TRACE_ID.slice(0, 31)}-${W3C_PARENT_ID}-01`,
        'test_traceparent_trace_id_too_short',
      ],
      ['trace-id in upper case', `00-${'ABCDEF'.repeat(5)}AB-${W3C_PARENT_ID}-01`, '§3.2.2.3 trace-id = 32HEXDIGLC'],
      ['parent-id all zero', `00-${W3C_TRACE_ID}-${'0'.repeat(16)}-01`, 'test_traceparent_parent_id_all_zero'],
      [
        'parent-id with "." first',
        `00-${W3C_TRACE_ID}-.${W3C_PARENT_ID.slice(1)}-01`,
        'test_traceparent_parent_id_illegal_characters',
      ],
      [
        'parent-id with "." last',
        `00-${W3C_TRACE_ID}-${W3C_PARENT_ID.slice(0, 15)}.-01`,
        'test_traceparent_parent_id_illegal_characters',
      ],
      ['parent-id of 17 digits', `00-${W3C_TRACE_ID}-${W3C_PARENT_ID}7-01`, 'test_traceparent_parent_id_too_long'],
      [
        'parent-id of 15 digits',
        `00-${W3C_TRACE_ID}-${W3C_PARENT_ID.slice(0, 15)}-01`,
        'test_traceparent_parent_id_too_short',
      ],
      ['trace-flags ".0"', tp('.0'), 'test_traceparent_trace_flags_illegal_characters'],
      ['trace-flags "0."', tp('0.'), 'test_traceparent_trace_flags_illegal_characters'],
      ['trace-flags of 3 digits', tp('001'), 'test_traceparent_trace_flags_too_long'],
      ['trace-flags of 1 digit', tp('1'), 'test_traceparent_trace_flags_too_short'],
    ] as const
  ).map(
    ([name, value, source]): W3CCase => ({
      name: `${name}: restart`,
      source,
      headers: [['traceparent', value]],
      expect: NEW,
    }),
  ),
  ...[` ${tp()}`, `\t${tp()}`, `${tp()} `, `${tp()}\t`, `\t ${tp()} \t`].map(
    (value): W3CCase => ({
      name: `optional white space ${JSON.stringify(value.replace(tp(), '…'))}: read`,
      source: 'test_traceparent_ows_handling',
      headers: [['traceparent', value]],
      expect: same('01'),
    }),
  ),
];

const flagCases: W3CCase[] = [
  {
    name: 'unsampled parent (00): propagated unsampled, tracestate forwarded',
    source: '§3.2.2.5.1 sampled flag; §3.5 "A vendor receiving a traceparent request header MUST send it"',
    headers: [
      ['traceparent', TP00],
      ['tracestate', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
    ],
    expect: same('00', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'),
  },
  {
    name: 'sampled parent (01): propagated sampled, tracestate forwarded',
    source: '§3.2.2.5.1 sampled flag',
    headers: [
      ['traceparent', tp('01')],
      ['tracestate', 'congo=t61rcWkgMzE'],
    ],
    expect: same('01', 'congo=t61rcWkgMzE'),
  },
  {
    name: 'random flag, unsampled (02): kept',
    source: 'Level 2 §3.2.2.5.2 "If the flag is set in the incoming traceparent header, it MUST also be set"',
    headers: [['traceparent', tp('02')]],
    expect: same('02'),
  },
  {
    name: 'random flag, sampled (03): kept',
    source: 'Level 2 §3.2.2.5.2 random-trace-id flag',
    headers: [['traceparent', tp('03')]],
    expect: same('03'),
  },
  {
    name: 'unknown flag 0x08 (09): zeroed, sampled kept',
    source: '§3.2.2.5 "Other Flags … Vendors MUST set those to zero"',
    headers: [['traceparent', tp('09')]],
    expect: same('01'),
  },
  {
    name: 'every flag set (ff): only sampled and random kept',
    source: '§3.2.2.5 other flags; Level 2 §3.2.2.5.2',
    headers: [['traceparent', tp('ff')]],
    expect: same('03'),
  },
  {
    name: 'future version with random flag: downgraded to 00, flags kept',
    source: '§3.2.4 versioning; §3.5 "Downgrade the version"',
    headers: [['traceparent', `${tp('03', 'cc')}-what-the-future-will-be-like`]],
    expect: same('03'),
  },
];

const tracestateCases: W3CCase[] = [
  ...['foo=1', 'foo=1,bar=2'].map(
    (value): W3CCase => ({
      name: `tracestate ${value} without traceparent: discarded`,
      source: 'test_tracestate_included_traceparent_missing; §3.3 "MUST NOT attempt to parse tracestate"',
      headers: [['tracestate', value]],
      expect: NEW,
    }),
  ),
  {
    name: 'invalid traceparent with tracestate: restart, tracestate discarded',
    source: '§3.3 "If the vendor failed to parse traceparent, it MUST NOT attempt to parse tracestate"',
    headers: [
      ['traceparent', tp('01', 'ff')],
      ['tracestate', 'foo=1'],
    ],
    expect: NEW,
  },
  {
    name: 'tracestate with an unsampled traceparent: inherited',
    source: 'test_tracestate_included_traceparent_included',
    headers: [
      ['traceparent', TP00],
      ['tracestate', 'foo=1,bar=2'],
    ],
    expect: same('00', 'foo=1,bar=2'),
  },
  ...['trace-state', 'trace.state'].map(
    (name): W3CCase => ({
      name: `header named ${name}: ignored`,
      source: 'test_tracestate_header_name',
      headers: [
        ['traceparent', TP00],
        [name, 'foo=1'],
      ],
      expect: same('00'),
    }),
  ),
  ...['TraceState', 'TrAcEsTaTe', 'TRACESTATE'].map(
    (name): W3CCase => ({
      name: `header named ${name}: read`,
      source: 'test_tracestate_header_name_valid_casing',
      headers: [
        ['traceparent', TP00],
        [name, 'foo=1'],
      ],
      expect: same('00', 'foo=1'),
    }),
  ),
  ...(
    [
      ['empty tracestate', [''], null],
      ['tracestate foo=1 then an empty one', ['foo=1', ''], 'foo=1'],
      ['an empty tracestate then foo=1', ['', 'foo=1'], 'foo=1'],
    ] as const
  ).map(
    ([name, values, result]): W3CCase => ({
      name: `${name}: accepted`,
      source: 'test_tracestate_empty_header; §3.3.1 "Vendors MUST accept empty tracestate headers"',
      headers: [['traceparent', TP00], ...values.map((v): RawHeader => ['tracestate', v])],
      expect: same('00', result),
    }),
  ),
  {
    name: 'three tracestate headers: combined in order',
    source: 'test_tracestate_multiple_headers_different_keys; §3.3.1 (RFC 7230 §3.2.2)',
    headers: [
      ['traceparent', TP00],
      ['tracestate', 'foo=1,bar=2'],
      ['tracestate', 'rojo=1,congo=2'],
      ['tracestate', 'baz=3'],
    ],
    expect: same('00', 'foo=1,bar=2,rojo=1,congo=2,baz=3'),
  },
  ...(
    [
      ['foo=1,foo=1 in one header', ['foo=1,foo=1']],
      ['foo=1,foo=2 in one header', ['foo=1,foo=2']],
      ['foo=1 in two headers', ['foo=1', 'foo=1']],
      ['foo=1 and foo=2 in two headers', ['foo=1', 'foo=2']],
    ] as const
  ).map(
    ([name, values]): W3CCase => ({
      name: `duplicated key, ${name}: the key is discarded`,
      source: 'test_tracestate_duplicated_keys; §3.3.1.4 "Only one entry per key is allowed"',
      headers: [['traceparent', TP00], ...values.map((v): RawHeader => ['tracestate', v])],
      expect: same('00'),
    }),
  ),
  {
    name: 'duplicated key among others: that key is discarded, the others kept',
    source: '§4.3 "Invalid tracestate entries MAY also be discarded"',
    headers: [
      ['traceparent', TP00],
      ['tracestate', 'foo=1,bar=2,foo=3'],
    ],
    expect: same('00', 'bar=2'),
  },
  ...[KEY_CHARS, `${KEY_CHARS}@a-z0-9_-*/`].map(
    (key): W3CCase => ({
      name: `every allowed character in key${key.includes('@') ? ' (with @)' : ''} and value: forwarded exactly`,
      source: 'test_tracestate_all_allowed_characters; §3.3.1.3',
      headers: [
        ['traceparent', TP00],
        ['tracestate', `${key}=${VALUE_CHARS}`],
      ],
      expect: same('00', `${key}=${VALUE_CHARS}`),
    }),
  ),
  ...(
    [
      ['foo=1 \t , \t bar=2, \t baz=3', 'foo=1,bar=2,baz=3'],
      ['foo=1\t \t,\t \tbar=2,\t \tbaz=3', 'foo=1,bar=2,baz=3'],
      [' foo=1', 'foo=1'],
      ['\tfoo=1', 'foo=1'],
      ['foo=1 ', 'foo=1'],
      ['foo=1\t', 'foo=1'],
      ['\t foo=1 \t', 'foo=1'],
    ] as const
  ).map(
    ([value, result]): W3CCase => ({
      name: `optional white space ${JSON.stringify(value)}: values kept`,
      source: 'test_tracestate_ows_handling; §3.3.1.1 list',
      headers: [
        ['traceparent', TP00],
        ['tracestate', value],
      ],
      expect: same('00', result),
    }),
  ),
  ...(
    [
      ['foo =1', 'test_tracestate_key_illegal_characters'],
      ['FOO=1', 'test_tracestate_key_illegal_characters'],
      ['foo.bar=1', 'test_tracestate_key_illegal_characters'],
      ['@foo=1,bar=2', 'test_tracestate_key_illegal_vendor_format (a key must begin with lcalpha or DIGIT)'],
      [`foo=1,${'z'.repeat(257)}=1`, 'test_tracestate_key_length_limit (257 characters)'],
      ['foo=bar=baz', 'test_tracestate_value_illegal_characters'],
      ['foo=,bar=3', 'test_tracestate_value_illegal_characters'],
      [`foo=${'v'.repeat(257)}`, '§3.3.1.3.2 value = 0*255(chr) nblk-chr (257 characters)'],
      ['foo=a\tb', '§3.3.1.3.2 "this also excludes tabs"'],
      [bars(1, 33), 'test_tracestate_member_count_limit (33 members)'],
    ] as const
  ).map(
    ([value, source]): W3CCase => ({
      name: `invalid tracestate ${abbreviated(value)}: discarded`,
      source: `${source}; §4.3 "the vendor MAY discard the entire header"`,
      headers: [
        ['traceparent', TP00],
        ['tracestate', value],
      ],
      expect: same('00'),
    }),
  ),
  ...(
    [
      ['foo@=1,bar=2', 'test_tracestate_key_illegal_vendor_format'],
      ['foo@@bar=1,bar=2', 'test_tracestate_key_illegal_vendor_format'],
      ['foo@bar@baz=1,bar=2', 'test_tracestate_key_illegal_vendor_format'],
      ['1abc=1,bar=2', '§3.3.1.3.1 key = ( lcalpha / DIGIT ) …'],
      [`foo=1,${'z'.repeat(256)}=1`, 'test_tracestate_key_length_limit (256 characters)'],
      [`foo=1,${'t'.repeat(241)}@${'v'.repeat(14)}=1`, 'test_tracestate_key_length_limit'],
      [`foo=1,${'t'.repeat(242)}@v=1`, 'test_tracestate_key_length_limit'],
      [`foo=1,t@${'v'.repeat(15)}=1`, 'test_tracestate_key_length_limit'],
      [`foo=${'v'.repeat(256)}`, '§3.3.1.3.2 value of 256 characters'],
      ['foo= 1', '§3.3.1.3.2 "all leading spaces MUST be preserved as part of the value"'],
      [bars(1, 32), 'test_tracestate_member_count_limit (32 members)'],
    ] as const
  ).map(
    ([value, source]): W3CCase => ({
      name: `valid tracestate ${abbreviated(value)}: forwarded`,
      source: `${source}; §3.3.1.3.1 keychar includes "@"`,
      headers: [
        ['traceparent', TP00],
        ['tracestate', value],
      ],
      expect: same('00', value),
    }),
  ),
  {
    name: 'tracestate of 704 characters: the entry over 128 characters goes first',
    source: '§3.3.1.5 "Entries larger than 128 characters long SHOULD be removed first"',
    headers: [
      ['traceparent', TP00],
      ['tracestate', [`big=${'x'.repeat(200)}`, ...short(20)].join(',')],
    ],
    expect: same('00', short(20).join(',')),
  },
  {
    name: 'tracestate of 624 characters: entries removed from the end',
    source: '§3.3.1.5 "Then entries SHOULD be removed starting from the end of tracestate"',
    headers: [
      ['traceparent', TP00],
      ['tracestate', short(25).join(',')],
    ],
    expect: same('00', short(20).join(',')),
  },
];

const multipleCallCases: W3CCase[] = [
  {
    name: 'three calls under a valid traceparent: one trace id, three parent-ids',
    source: 'test_multiple_requests_with_valid_traceparent',
    headers: [['traceparent', tp()]],
    calls: 3,
    expect: same('01'),
  },
  {
    name: 'three calls without traceparent: three parent-ids',
    source: 'test_multiple_requests_without_traceparent',
    headers: [],
    calls: 3,
    expect: NEW,
  },
  {
    name: 'three calls under an invalid traceparent: new trace, three parent-ids',
    source: 'test_multiple_requests_with_illegal_traceparent',
    headers: [['traceparent', `00-${'0'.repeat(32)}-${W3C_PARENT_ID}-01`]],
    calls: 3,
    expect: NEW,
  },
];

/** Every case, in the order of the harness. */
export const W3C_CASES: readonly W3CCase[] = [
  ...traceparentCases,
  ...flagCases,
  ...tracestateCases,
  ...multipleCallCases,
];

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
