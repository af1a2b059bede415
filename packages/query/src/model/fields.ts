/**
 * The fields a query can name: the fixed columns every span has (`service`, `name`, `duration_ms`, …)
 * and one per attribute key found in the data, each with its type and the SQL expression that reads
 * it. The embedded engine's tables have one column per attribute; on Jaeger's ClickHouse tables the
 * same field is an expression over its typed attribute arrays — the catalog hides the difference.
 *
 * @module
 */
import { didYouMean } from './suggest.ts';
import { QuerySyntaxError } from './syntax-error.ts';

/** A field's value type. `time` is a timestamp. */
export type FieldType = 'string' | 'number' | 'bool' | 'time';

/** One field of the `events` / `spans` views. */
export interface Field {
  name: string;
  type: FieldType;
  /** SQL that reads it (ClickHouse dialect), e.g. `` `http.route` ``. */
  sql: string;
  /** `fixed` for the span's own columns, `attribute` for span and resource attributes. */
  origin: 'fixed' | 'attribute';
}

/** Names of the fixed columns, in the order the views list them. */
export const FIXED_FIELDS: readonly { name: string; type: FieldType; doc: string }[] = [
  { name: 'trace_id', type: 'string', doc: 'trace id, 32 hex digits' },
  { name: 'span_id', type: 'string', doc: 'span id, 16 hex digits' },
  { name: 'parent_span_id', type: 'string', doc: "parent span id ('' for a root)" },
  { name: 'service', type: 'string', doc: 'service.name of the resource' },
  { name: 'name', type: 'string', doc: 'span name' },
  { name: 'kind', type: 'string', doc: 'server, client, producer, consumer, internal or unspecified' },
  { name: 'status', type: 'string', doc: 'UNSET, OK or ERROR' },
  { name: 'status_message', type: 'string', doc: 'status description' },
  { name: 'start_time', type: 'time', doc: 'start, UTC, nanosecond precision' },
  { name: 'duration_ms', type: 'number', doc: 'duration in milliseconds' },
  { name: 'sample_rate', type: 'number', doc: 'weight: wideline.sample_rate, 1 when absent or not positive' },
  { name: 'is_event', type: 'bool', doc: 'true for wide events (local roots)' },
];

/**
 * Fields computed from others, for every view: `duration_bucket` is the 1-2-5 bucket of
 * `duration_ms` (its lower bound in ms: 1, 2, 5, 10, 20, 50, …), for grouping by duration.
 */
export function computedFields(durationSql: string): Field[] {
  const e = `pow(10, floor(log10(${durationSql})))`;
  const m = `(${durationSql} / ${e})`;
  return [
    {
      name: 'duration_bucket',
      type: 'number',
      sql: `if(${durationSql} <= 0, 0, ${e} * multiIf(${m} >= 5, 5, ${m} >= 2, 2, 1))`,
      origin: 'fixed',
    },
  ];
}

/** Short names people type for fixed fields. */
const ALIASES: Record<string, string> = {
  duration: 'duration_ms',
  'service.name': 'service',
  span_name: 'name',
  'status.code': 'status',
  'span.kind': 'kind',
  time: 'start_time',
  timestamp: 'start_time',
};

/** The fields of one view, by name. */
export class FieldCatalog {
  readonly #fields = new Map<string, Field>();

  constructor(fields: readonly Field[]) {
    for (const f of fields) if (!this.#fields.has(f.name)) this.#fields.set(f.name, f);
  }

  /** Every field, fixed ones first. */
  get fields(): Field[] {
    return [...this.#fields.values()];
  }

  /** Attribute fields only. */
  get attributes(): Field[] {
    return this.fields.filter((f) => f.origin === 'attribute');
  }

  /** The field called `name` (or an alias of a fixed one), or `undefined`. */
  get(name: string): Field | undefined {
    return this.#fields.get(name) ?? this.#fields.get(ALIASES[name] ?? '');
  }

  /**
   * The field called `name`, or a {@link QuerySyntaxError} at `ref` naming the nearest known field:
   * an unknown field is an error, never an empty result.
   */
  resolve(ref: { name: string; start: number; end: number }, context: string, text: string): Field {
    const field = this.get(ref.name);
    if (field) return field;
    const hint = didYouMean(ref.name, this.#fields.keys());
    throw new QuerySyntaxError(
      context,
      text,
      ref.start,
      ref.end - ref.start,
      `unknown field "${ref.name}"${hint || ` (fields: ${this.summary()})`}`,
    );
  }

  /** A short list of field names for error messages. */
  summary(limit = 12): string {
    const names = [...this.#fields.keys()].filter((n) => n !== 'is_event');
    return names.length > limit
      ? `${names.slice(0, limit).join(', ')}, … ${names.length - limit} more`
      : names.join(', ');
  }
}
