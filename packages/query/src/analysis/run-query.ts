/**
 * Runs a {@link QuerySpec} on an engine. Top-k takes two queries: one ranks the groups over the whole
 * window, the next computes the answer with the groups outside the top folded into `(other)` — so
 * `(other)`'s percentiles are exact, not a sum of the rest's.
 *
 * @example
 * const result = await runQuery(engine, querySpec({ by: 'http.route', agg: 'count, p99', top: 5 }), window);
 * @module
 */
import type { QueryEngine } from '../engine/engine.ts';
import type { QuerySpec, TimeWindow } from '../model/query.ts';
import { compileQuery, type OutputColumn } from '../sql/compile.ts';

/** The answer to a query. */
export interface QueryResult {
  columns: OutputColumn[];
  rows: unknown[][];
  weighted: boolean;
  window: TimeWindow | undefined;
  /** The SQL that ran, in order. */
  sql: string[];
}

/** Label of the group that gathers everything outside the top k. */
export const OTHER = '(other)';

/** Runs `spec` over the `events` (or, with `spec.spans`, `spans`) of `window`. */
export async function runQuery(
  engine: QueryEngine,
  spec: QuerySpec,
  window: TimeWindow | undefined,
): Promise<QueryResult> {
  const relation = await engine.relation(spec.spans ? 'spans' : 'events', window);
  const sql: string[] = [];
  const grouped = spec.by.refs.length > 0;
  const limitGroups = spec.top ?? (spec.everySeconds !== undefined ? spec.limit : undefined);
  let keep: string[][] | undefined;
  if (grouped && limitGroups !== undefined) {
    const ranking = compileQuery({ ...spec, limit: limitGroups }, relation, { noTime: true });
    sql.push(ranking.sql);
    const ranked = await engine.run(ranking.sql);
    const groupIndexes = ranking.columns.flatMap((c, i) => (c.role === 'group' ? [i] : []));
    keep = ranked.rows.map((row) => groupIndexes.map((i) => String(row[i])));
  }
  const compiled = compileQuery(spec.top !== undefined ? { ...spec, limit: undefined } : spec, relation, {
    ...(keep ? { keep, other: spec.top !== undefined } : {}),
  });
  sql.push(compiled.sql);
  const result = await engine.run(compiled.sql);
  return {
    columns: compiled.columns,
    rows: otherLast(result.rows, compiled.columns),
    weighted: spec.weighted,
    window,
    sql,
  };
}

/** Moves `(other)` rows after the others (within each time bucket for series). */
function otherLast(rows: unknown[][], columns: OutputColumn[]): unknown[][] {
  const g = columns.findIndex((c) => c.role === 'group');
  if (g < 0) return rows;
  const t = columns.findIndex((c) => c.role === 'time');
  const out: unknown[][] = [];
  let pending: unknown[][] = [];
  rows.forEach((row, i) => {
    if (row[g] === OTHER) pending.push(row);
    else out.push(row);
    const next = rows[i + 1];
    if (!next || (t >= 0 && next[t] !== row[t])) {
      out.push(...pending);
      pending = [];
    }
  });
  return out;
}
