/** W3C cases about `traceparent`: parsing (§3.2), the flags (§3.2.2.5, Level 2), several calls. */
import { NEW, same, tp, W3C_PARENT_ID, W3C_TRACE_ID, type W3CCase } from './w3c-case.ts';

const TP00 = tp('00');

export const traceparentCases: W3CCase[] = [
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

export const flagCases: W3CCase[] = [
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

export const multipleCallCases: W3CCase[] = [
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
