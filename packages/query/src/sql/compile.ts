/**
 * Compiles a {@link QuerySpec} to one ClickHouse `SELECT`. The same text runs on the embedded engine
 * (chDB, over the loaded `events` / `spans` tables) and on a ClickHouse server (over Jaeger's own span
 * table, where each field is an expression over its attribute arrays): the {@link Relation} says what
 * `FROM` and each field mean.
 *
 * Weighted percentiles use `quantileExactWeighted` — nearest rank: the smallest value whose
 * cumulative weight reaches p % of the total — with weights in thousandths, since it takes integers.
 *
 * @module
 */
import { UsageError } from '../errors.ts';
import type { Aggregate } from '../model/aggregate.ts';
import type { Field, FieldCatalog } from '../model/fields.ts';
import type { QuerySpec, TimeWindow } from '../model/query.ts';
import { filterSql } from './filter-sql.ts';
import { micros, num, str } from './quote.ts';

/** What a query reads: the `FROM` text, its fields, and the window that bounds it. */
export interface Relation {
  from: string;
  catalog: FieldCatalog;
  window: TimeWindow | undefined;
}

/** One column of a compiled query's output. */
export interface OutputColumn {
  /** What people see: `time`, a group field, an aggregate label. */
  name: string;
  /** The SQL alias (`t`, `g0`, `a0`): neutral names, so aliases never shadow fields. */
  alias: string;
  role: 'time' | 'group' | 'aggregate';
  aggregate?: Aggregate;
  /** For a group: its field's type (group keys are text; numbers sort as numbers). */
  type?: Field['type'];
}

/** A compiled query. */
export interface CompiledQuery {
  sql: string;
  columns: OutputColumn[];
}

/** Options for {@link compileQuery}. */
export interface CompileOptions {
  /** Restrict to (or, with `other`, keep apart) these group keys — the top-k. */
  keep?: readonly (readonly string[])[];
  /** Fold groups not in `keep` into `(other)` instead of dropping them. */
  other?: boolean;
  /** Ignore `everySeconds` (the top-k pre-query ranks whole-window groups). */
  noTime?: boolean;
  /** Ignore order and limit. */
  unordered?: boolean;
}

/** The SQL of the group key of field `f`: text, `(none)` when missing. */
export function groupKeySql(f: Field): string {
  return `ifNull(toString(${f.sql}), '(none)')`;
}

/** The SQL of the weight of one row. */
export function weightSql(catalog: FieldCatalog, weighted: boolean): string {
  return weighted ? catalog.get('sample_rate')!.sql : '1';
}

/** `start_time` within the window. */
export function windowSql(catalog: FieldCatalog, window: TimeWindow | undefined): string | undefined {
  if (!window) return undefined;
  const t = catalog.get('start_time')!.sql;
  return `${t} >= ${micros(window.fromUs)} AND ${t} < ${micros(window.toUs)}`;
}

/** The WHERE conditions of a spec on a relation (window, filter), joined with AND. */
export function conditionsSql(spec: Pick<QuerySpec, 'where'>, relation: Relation): string[] {
  const out: string[] = [];
  const w = windowSql(relation.catalog, relation.window);
  if (w) out.push(w);
  if (spec.where)
    out.push(filterSql(spec.where.filter, relation.catalog, { context: '--where', text: spec.where.text }));
  return out;
}

/** The SQL of one aggregate. `seconds` is the span a `rate` divides by. */
export function aggregateSql(a: Aggregate, relation: Relation, spec: QuerySpec, seconds: number): string {
  const catalog = relation.catalog;
  const w = weightSql(catalog, spec.weighted);
  const isError = `${catalog.get('status')!.sql} = 'ERROR'`;
  const field = a.field ? catalog.resolve(a.field, '--agg', spec.aggregates.text) : undefined;
  const numeric = (what: string) => {
    if (field && field.type !== 'number')
      throw new UsageError(`--agg: ${what} needs a number field; ${field.name} is a ${field.type}`);
    return field!.sql;
  };
  switch (a.fn) {
    case 'count':
      return `sum(${w})`;
    case 'events':
      return 'toFloat64(count())';
    case 'errors':
      return `sumIf(${w}, ${isError})`;
    case 'error_rate':
      return `sumIf(${w}, ${isError}) / sum(${w})`;
    case 'rate':
      return `sum(${w}) / ${num(Math.max(seconds, 1e-9))}`;
    case 'sum': {
      const x = numeric('sum');
      return `sumIf(${w} * toFloat64(${x}), ${x} IS NOT NULL)`;
    }
    case 'avg': {
      const x = numeric('avg');
      return `sumIf(${w} * toFloat64(${x}), ${x} IS NOT NULL) / nullIf(sumIf(${w}, ${x} IS NOT NULL), 0)`;
    }
    case 'min':
    case 'max':
      if (field!.type === 'string' || field!.type === 'bool') numeric(a.fn);
      return `${a.fn}(${field!.sql})`;
    case 'distinct':
      return `toFloat64(uniqExact(${field!.sql}))`;
    case 'percentile': {
      const x = numeric(a.label);
      return `quantileExactWeighted(${num(a.percentile! / 100)})(toFloat64(${x}), toUInt64(round(${w} * 1000)))`;
    }
  }
}

/** Compiles a spec to SQL. Throws on unknown fields and ill-typed values, with positions. */
export function compileQuery(spec: QuerySpec, relation: Relation, options: CompileOptions = {}): CompiledQuery {
  const catalog = relation.catalog;
  const columns: OutputColumn[] = [];
  const select: string[] = [];
  const every = options.noTime ? undefined : spec.everySeconds;
  if (every !== undefined) {
    select.push(`toStartOfInterval(${catalog.get('start_time')!.sql}, toIntervalSecond(${Math.round(every)})) AS t`);
    columns.push({ name: 'time', alias: 't', role: 'time' });
  }
  const groupFields = spec.by.refs.map((ref) => catalog.resolve(ref, '--by', spec.by.text));
  const groups = groupFields.map(groupKeySql);
  const keyTuple = `tuple(${groups.join(', ')})`;
  const keepList = options.keep?.map((k) => `tuple(${k.map(str).join(', ')})`).join(', ');
  groups.forEach((g, i) => {
    const expr = keepList !== undefined && options.other ? `if(${keyTuple} IN (${keepList}), ${g}, '(other)')` : g;
    select.push(`${expr} AS g${i}`);
    columns.push({ name: spec.by.refs[i]!.name, alias: `g${i}`, role: 'group', type: groupFields[i]!.type });
  });
  const seconds = every ?? (relation.window ? (relation.window.toUs - relation.window.fromUs) / 1e6 : 1);
  spec.aggregates.list.forEach((a, i) => {
    select.push(`${aggregateSql(a, relation, spec, seconds)} AS a${i}`);
    columns.push({ name: a.label, alias: `a${i}`, role: 'aggregate', aggregate: a });
  });
  const where = conditionsSql(spec, relation);
  if (keepList !== undefined && !options.other && groups.length > 0)
    where.push(keepList === '' ? 'false' : `${keyTuple} IN (${keepList})`);
  const groupBy = columns.filter((c) => c.role !== 'aggregate').map((c) => c.alias);
  let sql = `SELECT ${select.join(', ')} FROM ${relation.from}`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  if (groupBy.length > 0) sql += ` GROUP BY ${groupBy.join(', ')}`;
  if (!options.unordered) {
    sql += ` ORDER BY ${orderSql(spec, columns, every !== undefined).join(', ')}`;
    if (spec.limit !== undefined && every === undefined) sql += ` LIMIT ${Math.floor(spec.limit)}`;
  }
  // Without GROUP BY an aggregate over no rows is still one row of zeros; no rows says "none" plainly.
  if (groupBy.length === 0) sql += ' SETTINGS empty_result_for_aggregation_by_empty_set = 1';
  return { sql, columns };
}

/** ORDER BY terms: time first (for series), then the chosen column, then the group keys for stability. */
function orderSql(spec: QuerySpec, columns: OutputColumn[], series: boolean): string[] {
  const terms: string[] = [];
  if (series) terms.push('t');
  const chosen = spec.order
    ? columns.find((c) => c.name === spec.order!.key)
    : columns.find((c) => c.role === 'aggregate');
  const descending = spec.order ? spec.order.descending : true;
  const key = (c: OutputColumn) =>
    c.role === 'group' && c.type === 'number' ? `toFloat64OrNull(${c.alias})` : c.alias;
  if (chosen) terms.push(`${key(chosen)} ${descending ? 'DESC' : 'ASC'}`);
  for (const c of columns) if (c.role === 'group' && c !== chosen) terms.push(key(c));
  return terms;
}
