/**
 * Jaeger's own ClickHouse tables (`jaeger_storage.backends.*.clickhouse`, Jaeger ≥ 2.10) as the query
 * model's `events` and `spans` views. Jaeger stores one row per span with its attributes split into
 * typed key/value arrays (`str_attributes.key` / `.value`, `int_attributes…`, `resource_…`); here
 * each attribute key becomes a column expression that reads only the arrays it was seen in, so a
 * query reads the columns it names and no others.
 *
 * @module
 */
import { computedFields, FIXED_FIELDS, type Field, FieldCatalog, type FieldType } from '../model/fields.ts';
import type { TimeWindow } from '../model/query.ts';
import { ident, micros, str } from '../sql/quote.ts';
import { attributeColumn } from './otlp-schema.ts';

/** Jaeger's typed attribute arrays, and the value type each holds. */
export const ARRAY_KINDS = ['str', 'int', 'double', 'bool', 'complex'] as const;
export type ArrayKind = (typeof ARRAY_KINDS)[number];

/** One attribute key: which arrays (span or resource) it appears in. */
export interface JaegerKey {
  key: string;
  span: Set<ArrayKind>;
  resource: Set<ArrayKind>;
}

/** Jaeger's `@slice@k` / `@map@k` / `@bytes@k` complex keys, as the attribute's own name. */
export function plainKey(key: string): string {
  return key.replace(/^@(?:slice|map|bytes)@/, '');
}

const inWindow = (alias: string, window: TimeWindow) =>
  `${alias}.start_time >= ${micros(window.fromUs)} AND ${alias}.start_time < ${micros(window.toUs)}`;

/** The query that lists every attribute key in the window and the arrays it is in. */
export function keysSql(table: string, window: TimeWindow): string {
  const parts = ARRAY_KINDS.flatMap((kind) =>
    ['', 'resource_'].map(
      (prefix) =>
        `SELECT DISTINCT ${str(prefix ? 'resource' : 'span')} AS origin, ${str(kind)} AS kind, arrayJoin(s.${prefix}${kind}_attributes.key) AS key FROM ${table} AS s WHERE ${inWindow('s', window)}`,
    ),
  );
  return `SELECT origin, kind, key FROM (${parts.join(' UNION ALL ')}) ORDER BY key, origin, kind`;
}

/** The column type of a key: one kind keeps its type, int with double is Float64, else text. */
export function keyType(k: JaegerKey): FieldType {
  const kinds = new Set([...k.span, ...k.resource]);
  if (kinds.size === 1 && kinds.has('bool')) return 'bool';
  if ([...kinds].every((x) => x === 'int' || x === 'double')) return 'number';
  return 'string';
}

function read(prefix: string, kind: ArrayKind, key: string, type: FieldType): [string, string] {
  const col = `s.${prefix}${kind}_attributes`;
  const stored = kind === 'complex' ? [`@slice@${key}`, `@map@${key}`, `@bytes@${key}`] : [key];
  return [
    stored.map((k) => `has(${col}.key, ${str(k)})`).join(' OR '),
    kind === 'complex'
      ? `${col}.value[indexOf(${col}.key, ${str(stored[0]!)}) + indexOf(${col}.key, ${str(stored[1]!)}) + indexOf(${col}.key, ${str(stored[2]!)})]`
      : (() => {
          const v = `${col}.value[indexOf(${col}.key, ${str(key)})]`;
          if (type === 'string' && kind !== 'str') return `toString(${v})`;
          if (type === 'number') return `toFloat64(${v})`;
          return v;
        })(),
  ];
}

/** A key's value on span row `s`: the span's own attribute first, then its resource's; NULL if neither. */
export function jaegerAttributeSql(k: JaegerKey, type: FieldType): string {
  const order: ArrayKind[] = ['str', 'int', 'double', 'bool', 'complex'];
  const branches = [
    ...order.filter((kind) => k.span.has(kind)).map((kind) => read('', kind, k.key, type)),
    ...order.filter((kind) => k.resource.has(kind)).map((kind) => read('resource_', kind, k.key, type)),
  ];
  return `multiIf(${branches.flat().join(', ')}, NULL)`;
}

/**
 * The `spans` view of a window as a subquery over Jaeger's table: fixed columns, one column per key,
 * and `is_event`. A span is a wide event when it has no parent or its parent is missing or belongs to
 * another service (Jaeger's table keeps no span flags). Parents are looked up only within the
 * window's traces — by `trace_id`, Jaeger's primary key.
 */
export function jaegerSpansSql(table: string, window: TimeWindow, keys: readonly JaegerKey[]): string {
  const rate = keys.find((k) => k.key === 'wideline.sample_rate');
  const rateSql = rate ? `ifNull(${jaegerAttributeSql(rate, 'number')}, 0)` : '0';
  const columns = [
    's.trace_id AS trace_id',
    's.id AS span_id',
    's.parent_span_id AS parent_span_id',
    's.service_name AS service',
    's.name AS name',
    "if(s.kind = '', 'unspecified', s.kind) AS kind",
    'upper(s.status_code) AS status',
    's.status_message AS status_message',
    "toTimeZone(s.start_time, 'UTC') AS start_time",
    's.duration / 1e6 AS duration_ms',
    `if(isFinite(${rateSql}) AND ${rateSql} > 0, ${rateSql}, 1.0) AS sample_rate`,
    "(s.parent_span_id = '' OR p.id = '' OR p.service_name != s.service_name) AS is_event",
    ...keys.map((k) => `${jaegerAttributeSql(k, keyType(k))} AS ${ident(attributeColumn(k.key))}`),
  ];
  const traces = `SELECT trace_id FROM ${table} AS w WHERE ${inWindow('w', window)}`;
  return `(SELECT ${columns.join(', ')} FROM ${table} AS s
  LEFT JOIN (SELECT trace_id, id, service_name FROM ${table} WHERE trace_id IN (${traces})) AS p ON p.trace_id = s.trace_id AND p.id = s.parent_span_id
  WHERE ${inWindow('s', window)})`;
}

/** The field catalog for these columns. */
export function jaegerCatalog(keys: readonly JaegerKey[]): FieldCatalog {
  const fixed: Field[] = FIXED_FIELDS.map((f) => ({ name: f.name, type: f.type, sql: ident(f.name), origin: 'fixed' }));
  const attributes: Field[] = keys.map((k) => {
    const name = attributeColumn(k.key);
    return { name, type: keyType(k), sql: ident(name), origin: 'attribute' };
  });
  return new FieldCatalog([...fixed, ...computedFields(ident('duration_ms')), ...attributes]);
}

/** Groups the rows of {@link keysSql} into keys. */
export function keysFromRows(rows: readonly unknown[][]): JaegerKey[] {
  const keys = new Map<string, JaegerKey>();
  for (const [origin, kind, raw] of rows) {
    const key = kind === 'complex' ? plainKey(String(raw)) : String(raw);
    const entry = keys.get(key) ?? { key, span: new Set(), resource: new Set() };
    (origin === 'resource' ? entry.resource : entry.span).add(kind as ArrayKind);
    keys.set(key, entry);
  }
  return [...keys.values()];
}
