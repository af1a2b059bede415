/** W3C cases about `tracestate`: the grammar (§3.3.1), combining headers, limits and truncation. */
import { NEW, type RawHeader, same, tp, type W3CCase } from './w3c-case.ts';

const TP00 = tp('00');
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

export const tracestateCases: W3CCase[] = [
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
