/**
 * Aggregates of the query model, as written after `--agg`: `count`, `events`, `errors`,
 * `error_rate`, `rate`, `p50` … `p99.9` (any percentile; of `duration_ms` unless a field is given:
 * `p95(payload.kb)`), `avg`, `sum`, `min`, `max` (of a field, `duration_ms` by default) and
 * `distinct(field)`.
 *
 * Weighting: each event stands for `sample_rate` events. `count`, `errors`, `error_rate`, `rate`,
 * `sum`, `avg` and the percentiles are weighted by it unless the query is unweighted; `events` is the
 * number stored; `min`, `max` and `distinct` are about values, not frequencies, so weights do not apply.
 *
 * @module
 */
import type { FieldRef } from './filter.ts';
import { type Token, tokenize } from './lexer.ts';
import { didYouMean } from './suggest.ts';
import { QuerySyntaxError } from './syntax-error.ts';

/** Aggregate functions. */
export type AggregateFn =
  | 'count'
  | 'events'
  | 'errors'
  | 'error_rate'
  | 'rate'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'distinct'
  | 'percentile';

/** One aggregate of a query. */
export interface Aggregate {
  fn: AggregateFn;
  /** The field it reads (`percentile`, `sum`, `avg`, `min`, `max`, `distinct`). */
  field?: FieldRef;
  /** For `percentile`: 0 < p ≤ 100. */
  percentile?: number;
  /** The output column name: `count`, `p99`, `avg(payload.kb)`. */
  label: string;
}

const SIMPLE: readonly AggregateFn[] = ['count', 'events', 'errors', 'error_rate', 'rate'];
const OF_FIELD: readonly AggregateFn[] = ['sum', 'avg', 'min', 'max', 'distinct'];
const NAMES = [...SIMPLE, ...OF_FIELD, 'p50', 'p90', 'p95', 'p99', 'p99.9', 'count_distinct'];
const DEFAULT_FIELD = 'duration_ms';

/** Whether an aggregate is weighted by sample rate in a weighted query. */
export function isWeighted(aggregate: Aggregate): boolean {
  return !['events', 'min', 'max', 'distinct'].includes(aggregate.fn);
}

/** Parses one aggregate (`p99`, `avg(payload.kb)`) starting at `tokens[at]`; returns it and the next index. */
function parseOne(tokens: Token[], at: number, text: string, context: string): [Aggregate, number] {
  const t = tokens[at]!;
  const fail = (tok: Token, reason: string): never => {
    throw new QuerySyntaxError(context, text, tok.start, Math.max(1, tok.end - tok.start), reason);
  };
  if (t.kind !== 'word') fail(t, `expected an aggregate (${NAMES.join(', ')}), found "${text.slice(t.start, t.end)}"`);
  const name = t.text.toLowerCase();
  const pct = /^p(\d+(?:\.\d+)?)$/.exec(name);
  const fn: AggregateFn | undefined = pct
    ? 'percentile'
    : name === 'count_distinct'
      ? 'distinct'
      : ([...SIMPLE, ...OF_FIELD] as string[]).includes(name)
        ? (name as AggregateFn)
        : undefined;
  if (!fn) fail(t, `unknown aggregate "${t.text}"${didYouMean(name, NAMES)}`);
  const percentile = pct ? Number(pct[1]) : undefined;
  if (percentile !== undefined && !(percentile > 0 && percentile <= 100))
    fail(t, `percentile ${pct![1]} is not in (0, 100]`);
  let next = at + 1;
  let field: FieldRef | undefined;
  if (tokens[next]?.kind === '(') {
    if (SIMPLE.includes(fn!)) fail(tokens[next]!, `${name} takes no field`);
    const f = tokens[next + 1]!;
    if (f.kind !== 'word' && f.kind !== 'quoted') fail(f, 'expected a field name');
    field = { name: f.text, start: f.start, end: f.end };
    if (tokens[next + 2]?.kind !== ')') fail(tokens[next + 2]!, 'expected ")"');
    next += 3;
  } else if (fn === 'distinct') {
    fail(t, 'distinct needs a field: distinct(user.id)');
  } else if (!SIMPLE.includes(fn!)) {
    field = { name: DEFAULT_FIELD, start: t.start, end: t.end };
  }
  const base = fn === 'percentile' ? `p${percentile}` : fn!;
  const label = field && field.name !== DEFAULT_FIELD ? `${base}(${field.name})` : base;
  return [{ fn: fn!, label, ...(field ? { field } : {}), ...(percentile !== undefined ? { percentile } : {}) }, next];
}

/**
 * Parses a comma-separated aggregate list. Throws {@link QuerySyntaxError} with the position.
 *
 * @example
 * parseAggregates('count, error_rate, p99, avg(payload.kb)').map((a) => a.label);
 * // ['count', 'error_rate', 'p99', 'avg(payload.kb)']
 */
export function parseAggregates(text: string, context = '--agg'): Aggregate[] {
  const tokens = tokenize(text, context);
  const out: Aggregate[] = [];
  let at = 0;
  for (;;) {
    const [aggregate, next] = parseOne(tokens, at, text, context);
    if (out.some((a) => a.label === aggregate.label))
      throw new QuerySyntaxError(context, text, tokens[at]!.start, 1, `${aggregate.label} is listed twice`);
    out.push(aggregate);
    const t = tokens[next]!;
    if (t.kind === 'end') return out;
    if (t.kind !== ',') throw new QuerySyntaxError(context, text, t.start, 1, 'expected "," between aggregates');
    at = next + 1;
  }
}
