/**
 * One query model for every question Wideline answers at query time: filter, group by, aggregate,
 * bucket by time, order, limit and top-k. `wideline query`, `stats`, `compare`, `regress`, `check`
 * and the heatmap are all built on it, and it compiles to ClickHouse SQL for the embedded engine and
 * for Jaeger's ClickHouse tables alike.
 *
 * @example
 * const spec = querySpec({
 *   where: "http.route = '/api/orders' and user.tier != free",
 *   by: 'colo, user.tier',
 *   agg: 'count, error_rate, p99',
 *   every: '5m',
 *   top: 5,
 * });
 * @module
 */
import { UsageError } from '../errors.ts';
import { parseDuration } from '../format.ts';
import { type Aggregate, parseAggregates } from './aggregate.ts';
import { allOf, type FieldRef, type Filter, parseWhereFilter, shiftFilter } from './filter.ts';
import { tokenize } from './lexer.ts';
import { QuerySyntaxError } from './syntax-error.ts';

/** The time range a query covers, µs since the epoch, `[fromUs, toUs)`. */
export interface TimeWindow {
  fromUs: number;
  toUs: number;
}

/** A query of the model, parsed but not yet bound to fields. */
export interface QuerySpec {
  /** The filter and the text it came from (for error positions). */
  where: { filter: Filter; text: string } | undefined;
  /** Group-by fields; `duration_bucket` groups by a 1-2-5 bucket of `duration_ms`. */
  by: { refs: FieldRef[]; text: string };
  aggregates: { list: Aggregate[]; text: string };
  /** Time bucket width in seconds (`--every`). */
  everySeconds: number | undefined;
  /** The output column to order by (an aggregate label or a group field) and the direction. */
  order: { key: string; descending: boolean } | undefined;
  limit: number | undefined;
  /** Keep the top k groups (by the order) and fold the rest into one `(other)` group. */
  top: number | undefined;
  /** Weight events by `sample_rate` (default true). */
  weighted: boolean;
  /** Query every span, not only wide events. */
  spans: boolean;
}

/** What a caller writes: text, as on the command line. */
export interface QueryInput {
  /** One or more filters, all of which must hold. */
  where?: string | readonly string[];
  by?: string;
  /** Default `count, error_rate, p50, p95, p99`. */
  agg?: string;
  every?: string;
  /** `p99` (descending), `p99:asc`, `colo:asc`. Default: the first aggregate, descending. */
  order?: string;
  limit?: number;
  top?: number;
  /** Default true. */
  weighted?: boolean;
  /** Default false: wide events only. */
  spans?: boolean;
}

/** The aggregates of `wideline query` when none are given. */
export const DEFAULT_AGGREGATES = 'count, error_rate, p50, p95, p99';

/** Parses the parts of a query. Throws {@link QuerySyntaxError} / {@link UsageError} on bad input. */
export function querySpec(input: QueryInput): QuerySpec {
  const whereTexts = typeof input.where === 'string' ? [input.where] : [...(input.where ?? [])];
  // Several filters are shown as one text, `(a) and (b)`; each keeps positions in that text.
  const many = whereTexts.length > 1;
  let offset = 0;
  const filters = whereTexts.map((w) => {
    const f = shiftFilter(parseWhereFilter(w), offset + (many ? 1 : 0));
    offset += w.length + (many ? 2 : 0) + ' and '.length;
    return f;
  });
  const filter = allOf(filters);
  const aggText = input.agg ?? DEFAULT_AGGREGATES;
  const byText = input.by ?? '';
  const spec: QuerySpec = {
    where: filter ? { filter, text: many ? whereTexts.map((w) => `(${w})`).join(' and ') : whereTexts[0]! } : undefined,
    by: { refs: parseFieldList(byText, '--by'), text: byText },
    aggregates: { list: parseAggregates(aggText), text: aggText },
    everySeconds: input.every === undefined ? undefined : parseDuration(input.every, 'every') / 1e6,
    order: undefined,
    limit: input.limit,
    top: input.top,
    weighted: input.weighted ?? true,
    spans: input.spans ?? false,
  };
  if (spec.everySeconds !== undefined && !(spec.everySeconds >= 1))
    throw new UsageError(`--every "${input.every}" must be at least 1s`);
  spec.order = parseOrder(input.order, spec);
  return spec;
}

/** `colo, user.tier` → field refs (empty text → none). */
export function parseFieldList(text: string, context: string): FieldRef[] {
  if (text.trim() === '') return [];
  const tokens = tokenize(text, context);
  const refs: FieldRef[] = [];
  for (let i = 0; ; i += 2) {
    const t = tokens[i]!;
    if (t.kind !== 'word' && t.kind !== 'quoted')
      throw new QuerySyntaxError(context, text, t.start, Math.max(1, t.end - t.start), 'expected a field name');
    refs.push({ name: t.text, start: t.start, end: t.end });
    const sep = tokens[i + 1]!;
    if (sep.kind === 'end') return refs;
    if (sep.kind !== ',') throw new QuerySyntaxError(context, text, sep.start, 1, 'expected "," between fields');
  }
}

function parseOrder(text: string | undefined, spec: QuerySpec): QuerySpec['order'] {
  if (text === undefined) return undefined;
  const m = /^\s*-?([^:\s]+)\s*(?::\s*(asc|desc))?\s*$/i.exec(text);
  const keys = [...spec.aggregates.list.map((a) => a.label), ...spec.by.refs.map((r) => r.name), 'time'];
  if (!m || !keys.includes(m[1]!))
    throw new UsageError(
      `--order "${text}" must name an output column (${keys.join(', ')}), optionally with :asc or :desc`,
    );
  const isGroup = !spec.aggregates.list.some((a) => a.label === m[1]);
  return { key: m[1]!, descending: m[2] ? m[2].toLowerCase() === 'desc' : !isGroup };
}
