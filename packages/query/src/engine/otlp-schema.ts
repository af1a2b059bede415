/**
 * How OTLP/JSON becomes the `spans` table, in SQL the engine runs itself: its JSON reader parses the
 * Collector's file-exporter lines (`{"resourceSpans":[…]}`) and Jaeger's `/api/v3` answers
 * (`{"result":{"resourceSpans":[…]}}`) natively — no `JSON.parse` in JavaScript — into `raw_spans`
 * (one row per span, attributes still as key/value arrays); {@link pivotSql} then gives every
 * attribute key its own typed column and marks the wide events.
 *
 * @module
 */
import { FIXED_FIELDS } from '../model/fields.ts';
import { ident, str } from '../sql/quote.ts';

/**
 * An attribute's value as a one-entry map from its OTLP kind to its text: `{"intValue":"200"}` reads
 * as `{'intValue': '200'}`, a double or a bool as the number's or `true`'s text, an array or kvlist as
 * its raw JSON. One map per value instead of a tuple of seven nullable kinds halves what the reader
 * builds per attribute (bench/query, load layers); the pivot types the text once per key.
 */
const VALUE = 'Map(String, String)';
const KEY_VALUES = `Array(Tuple(key String, value ${VALUE}))`;
/**
 * One span as the engine reads it. Times are `UInt64` where the engine's JSON functions read the text
 * (they read `"1793527200000000000"` as the number, and anything else as 0), `String` where its
 * `JSONEachRow` reader does (it refuses quoted text that is not a number). The scope is not read: no
 * column comes from it.
 */
const span = (time: 'UInt64' | 'String') =>
  `Tuple(traceId String, spanId String, parentSpanId String, flags UInt32, name String, kind String, startTimeUnixNano ${time}, endTimeUnixNano ${time}, attributes ${KEY_VALUES}, status Tuple(code String, message String))`;
const resourceSpans = (time: 'UInt64' | 'String') =>
  `Array(Tuple(resource Tuple(attributes ${KEY_VALUES}), scopeSpans Array(Tuple(spans Array(${span(time)})))))`;

/** Jaeger's `/api/v3` answer: a TracesData body wrapped in `result`. */
export const JAEGER_ANSWER_SCHEMA = `result Tuple(resourceSpans ${resourceSpans('String')})`;

/** Settings the loader relies on: numbers, objects and arrays readable as text, unknown fields skipped. */
export const LOAD_SETTINGS: Record<string, string | number> = {
  input_format_json_read_numbers_as_strings: 1,
  input_format_json_read_objects_as_strings: 1,
  input_format_json_read_arrays_as_strings: 1,
  input_format_json_read_bools_as_strings: 1,
  input_format_skip_unknown_fields: 1,
  input_format_json_named_tuples_as_objects: 1,
  input_format_json_defaults_for_missing_elements_in_named_tuple: 1,
  // File reads are cut into chunks of this many bytes for the parsing threads (default 10 MiB): a
  // smaller chunk keeps both cores busy to the end of the file (bench/query, load).
  min_chunk_bytes_for_parallel_parsing: 3 << 20,
};

/** One row per span, attributes as arrays. */
export const CREATE_RAW_SPANS = `CREATE TABLE raw_spans (
  trace_id String, span_id String, parent_span_id String, flags UInt32, name String,
  kind String, status String, status_message String,
  start_ns UInt64, end_ns UInt64,
  attrs ${KEY_VALUES}, rattrs ${KEY_VALUES}
) ENGINE = Memory`;

/** Staging table for raw inserts of Jaeger's answers. */
export const CREATE_STAGE = `CREATE TABLE otlp_stage (${JAEGER_ANSWER_SCHEMA}) ENGINE = Memory`;

/** OTLP's span kind (a number, or its enum name as some writers spell it) as one lookup. */
const KIND = (k: string) =>
  `transform(${k}, ['1', 'SPAN_KIND_INTERNAL', '2', 'SPAN_KIND_SERVER', '3', 'SPAN_KIND_CLIENT', '4', 'SPAN_KIND_PRODUCER', '5', 'SPAN_KIND_CONSUMER'], ['internal', 'internal', 'server', 'server', 'client', 'client', 'producer', 'producer', 'consumer', 'consumer'], 'unspecified')`;
const STATUS = (c: string) =>
  `transform(${c}, ['2', 'STATUS_CODE_ERROR', '1', 'STATUS_CODE_OK'], ['ERROR', 'ERROR', 'OK', 'OK'], 'UNSET')`;

/**
 * `INSERT INTO raw_spans` from OTLP/JSON rows read by `source` (a table or a `file(…)` call), whose
 * resource spans are in the column `resourceSpans` (`result.resourceSpans` for Jaeger's answers), with
 * times as `time` (see {@link span}). Ids stay as written: OTLP/JSON and Jaeger write them in lowercase hex.
 */
export function insertRawSql(
  source: string,
  resourceSpans = 'resourceSpans',
  time: 'UInt64' | 'String' = 'UInt64',
): string {
  const ns = (t: string) => (time === 'UInt64' ? t : `toUInt64OrZero(${t})`);
  return `INSERT INTO raw_spans SELECT sp.traceId, sp.spanId, sp.parentSpanId, sp.flags, sp.name,
  ${KIND('sp.kind')}, ${STATUS('sp.status.code')}, sp.status.message,
  ${ns('sp.startTimeUnixNano')}, ${ns('sp.endTimeUnixNano')}, sp.attributes, rs.resource.attributes
  FROM ${source}
  ARRAY JOIN ${resourceSpans} AS rs ARRAY JOIN rs.scopeSpans AS ss ARRAY JOIN ss.spans AS sp`;
}

/**
 * How a file's JSON documents are split before the engine parses each: `LineAsString` for JSON lines
 * (the file exporter's format; splitting at newlines is the cheapest), `JSONAsString` for anything
 * else (one document over many lines, an array of documents), which finds each document's end.
 */
export type DocumentSplit = 'LineAsString' | 'JSONAsString';

/**
 * The OTLP documents of a file as rows with a `resourceSpans` column, parsed by the engine's JSON
 * functions (simdjson; cheaper than its `JSONEachRow` reader on these nested lines, see bench/query).
 * `JSONExtract` reads malformed JSON as empty, so a document that yields no resource spans is
 * checked: blank lines are skipped, and invalid JSON, or JSON without `resourceSpans`, stops the load.
 */
export function otlpFileSource(path: string, split: DocumentSplit): string {
  const doc = split === 'LineAsString' ? 'line' : 'json';
  return `(SELECT JSONExtract(${doc}, 'resourceSpans', ${str(resourceSpans('UInt64'))}) AS resourceSpans
  FROM file(${str(path)}, '${split}')
  WHERE notEmpty(resourceSpans) OR empty(trimBoth(${doc}))
    OR throwIf(NOT (isValidJSON(${doc}) AND JSONHas(${doc}, 'resourceSpans')), ${str(NOT_OTLP)}))`;
}

/** The message of a document that is not OTLP/JSON (the engine's `throwIf`). */
export const NOT_OTLP = 'a document is not valid JSON, or has no resourceSpans';

/**
 * The steps of a load, as {@link ChdbEngine.phases} reports them: `parse` (the engine reads the JSON
 * into `raw_spans`), `kinds` (which value kinds each attribute key has), `parents` (each span's
 * service, for the wide-event test), `pivot` (the `spans` table, one column per key), `totals`.
 */
export type LoadPhaseName = 'parse' | 'kinds' | 'parents' | 'pivot' | 'totals';

/** The column type an attribute key gets, from which OTLP value kinds it was seen with. */
export type AttributeType = 'String' | 'Int64' | 'Float64' | 'Bool';

/** Value kinds an OTLP attribute value can have; `c` is array, kvlist or bytes (kept as text). */
export interface KindCounts {
  s: number;
  i: number;
  d: number;
  b: number;
  c: number;
}

/** One attribute key: its column type, and the value kinds it has on spans and on resources. */
export interface AttributeKey {
  key: string;
  type: AttributeType;
  own: KindCounts | undefined;
  resource: KindCounts | undefined;
}

/** Counts of each value kind per key, for span attributes (`attrs`) or resource ones (`rattrs`). */
export function attributeKindsSql(column: 'attrs' | 'rattrs'): string {
  return `SELECT key, countIf(kind = 'stringValue') AS s, countIf(kind = 'intValue') AS i,
  countIf(kind = 'doubleValue') AS d, countIf(kind = 'boolValue') AS b,
  countIf(kind IN ('arrayValue', 'kvlistValue', 'bytesValue')) AS c
  FROM (SELECT key, arrayElement(kinds, 1) AS kind FROM raw_spans
    ARRAY JOIN ${column}.key AS key, ${column}.value.keys AS kinds)
  GROUP BY key ORDER BY key`;
}

/** A key's type: one kind keeps its type, ints with doubles are Float64, anything else mixed is text. */
export function attributeType(counts: KindCounts): AttributeType {
  const { s, i, d, b, c } = counts;
  if (c > 0 || (s > 0 && i + d + b > 0) || (b > 0 && i + d > 0)) return 'String';
  if (b > 0) return 'Bool';
  if (d > 0) return 'Float64';
  if (i > 0) return 'Int64';
  return 'String';
}

const sum = (a: KindCounts | undefined, b: KindCounts | undefined): KindCounts => ({
  s: (a?.s ?? 0) + (b?.s ?? 0),
  i: (a?.i ?? 0) + (b?.i ?? 0),
  d: (a?.d ?? 0) + (b?.d ?? 0),
  b: (a?.b ?? 0) + (b?.b ?? 0),
  c: (a?.c ?? 0) + (b?.c ?? 0),
});

/** The keys of both counts, each with the type of all its values. */
export function attributeKeys(own: Map<string, KindCounts>, resource: Map<string, KindCounts>): AttributeKey[] {
  const keys = [...new Set([...own.keys(), ...resource.keys()])].sort();
  return keys.map((key) => ({
    key,
    type: attributeType(sum(own.get(key), resource.get(key))),
    own: own.get(key),
    resource: resource.get(key),
  }));
}

/**
 * The typed value of an attribute from its text (NULL when the key is not there): each key's column
 * has one type (from every kind it was seen with, {@link attributeType}), so the text is converted once.
 */
function valueAs(type: AttributeType, text: string): string {
  switch (type) {
    case 'Int64':
      return `toInt64OrNull(${text})`;
    case 'Float64':
      return `toFloat64OrNull(${text})`;
    case 'Bool':
      return `(${text} = 'true')::Nullable(Bool)`;
    default:
      return text;
  }
}

/**
 * Each attribute's value text, in the order of its keys: the first (only) entry of each one-entry
 * value map, read in one vectorised pass over the map's values subcolumn (the same expression for
 * every key, so the engine computes it once per span), instead of one copy per key.
 */
const valuesOf = (column: string) => `arrayMap(v -> v[1], ${column}.value.values)`;

/**
 * A key's value on span `s`: the span's own attribute, else its resource's; only the sides it is on.
 * The text is read from the map's values subcolumn, never by building whole value tuples.
 */
export function attributeSql(a: AttributeKey, s = 's'): string {
  const k = str(a.key);
  const text = (column: string) =>
    `arrayElementOrNull(${valuesOf(`${s}.${column}`)}, indexOf(${s}.${column}.key, ${k}))`;
  const own = a.own && text('attrs');
  const resource = a.resource && text('rattrs');
  return valueAs(a.type, own && resource ? `coalesce(${own}, ${resource})` : (own ?? resource)!);
}

/** The column name of an attribute: its key, or `attr.<key>` when a fixed column has that name. */
export function attributeColumn(key: string): string {
  return FIXED_FIELDS.some((f) => f.name === key) ? `attr.${key}` : key;
}

const SERVICE = (s: string) =>
  `coalesce(nullIf(arrayElementOrNull(${valuesOf(`${s}.rattrs`)}, indexOf(${s}.rattrs.key, 'service.name')), ''), 'unknown_service')`;

/**
 * How many spans the wide-event test must look up a parent for: those with a parent whose span flags
 * do not say whether it is remote. OTLP exporters that set the flags (bits 8 and 9) need none.
 */
export const PARENT_LOOKUPS_SQL = "SELECT countIf(parent_span_id != '' AND bitAnd(flags, 256) = 0) FROM raw_spans";

/**
 * The statements that build `spans` from `raw_spans`: fixed columns, one column per attribute, and
 * `is_event` — the span is a wide event (a local root) when it has no parent, its parent is remote
 * (OTLP span flags, when the exporter sets them), or the flags do not say and the parent is missing or
 * belongs to another service. Parents are looked up in a Join table (`joinGet`), so the wide rows are
 * never joined; with `lookups` false (no span needs one, {@link PARENT_LOOKUPS_SQL}) the table is not
 * built. With `dedupe`, a span read twice (Jaeger returns a trace once per service that matched) is
 * kept once.
 */
export function pivotSql(
  attributes: readonly AttributeKey[],
  dedupe: boolean,
  lookups = true,
): Array<[LoadPhaseName, string]> {
  const rate = attributes.find((a) => a.key === 'wideline.sample_rate');
  const rateSql = rate ? `toFloat64(${attributeSql(rate)})` : 'NULL';
  const parent = "joinGet('span_services', 'service', s.trace_id, s.parent_span_id)";
  const columns = [
    's.trace_id AS trace_id',
    's.span_id AS span_id',
    's.parent_span_id AS parent_span_id',
    `${SERVICE('s')} AS service`,
    's.name AS name',
    's.kind AS kind',
    's.status AS status',
    's.status_message AS status_message',
    "fromUnixTimestamp64Nano(toInt64(s.start_ns), 'UTC') AS start_time",
    'if(s.end_ns >= s.start_ns, (s.end_ns - s.start_ns) / 1e6, 0) AS duration_ms',
    `toFloat64(if(isFinite(ifNull(${rateSql}, 0)) AND ifNull(${rateSql}, 0) > 0, assumeNotNull(${rateSql}), 1.0)) AS sample_rate`,
    lookups
      ? `(s.parent_span_id = '' OR bitAnd(s.flags, 768) = 768 OR (bitAnd(s.flags, 256) = 0 AND ${parent} != ${SERVICE('s')})) AS is_event`
      : `(s.parent_span_id = '' OR bitAnd(s.flags, 768) = 768) AS is_event`,
    ...attributes.map((a) => `${attributeSql(a)} AS ${ident(attributeColumn(a.key))}`),
  ];
  const source = dedupe ? '(SELECT * FROM raw_spans LIMIT 1 BY trace_id, span_id)' : 'raw_spans';
  const pivot: [LoadPhaseName, string] = [
    'pivot',
    `CREATE TABLE spans ENGINE = Memory AS SELECT ${columns.join(',\n    ')} FROM ${source} AS s`,
  ];
  if (!lookups) return [pivot];
  return [
    // A missing parent reads as '' from the Join table, which is never a service name.
    [
      'parents',
      'CREATE TABLE span_services (trace_id String, span_id String, service String) ENGINE = Join(ANY, LEFT, trace_id, span_id)',
    ],
    ['parents', `INSERT INTO span_services SELECT trace_id, span_id, ${SERVICE('raw_spans')} FROM raw_spans`],
    pivot,
    ['pivot', 'DROP TABLE span_services'],
  ];
}

/** Fixed columns' types, for the field catalog. */
export const FIXED_COLUMN_NAMES = FIXED_FIELDS.map((f) => f.name);
