/**
 * BubbleUp: what is different about a selection of events? For every field, the share of each value
 * among the selected events and among the rest (the baseline), ranked by how much more common it is
 * in the selection. One engine pass per comparison, with `GROUPING SETS` — one grouping per field.
 *
 * Numbers with many distinct values are compared in 1-2-5 buckets (`≥ 20`), so a continuous field
 * still shows where the selection sits.
 *
 * @module
 */
import type { QueryEngine } from '../engine/engine.ts';
import type { Field } from '../model/fields.ts';
import { type Filter, filterFields } from '../model/filter.ts';
import type { QuerySpec, TimeWindow } from '../model/query.ts';
import { conditionsSql, weightSql } from '../sql/compile.ts';
import { filterSql } from '../sql/filter-sql.ts';
import { num } from '../sql/quote.ts';

/** How the selection is chosen. */
export type Selection =
  | { kind: 'filter'; filter: Filter; text: string }
  | { kind: 'slowest'; fraction: number }
  | { kind: 'errors' };

/** One value's shares. */
export interface CompareValue {
  value: string;
  /** Share of the selection's (weighted) events with this value, 0..1. */
  selection: number;
  baseline: number;
  /** `selection - baseline`. */
  difference: number;
}

/** One field's over-represented values, best first. */
export interface CompareField {
  field: string;
  /** The largest difference among its values. */
  score: number;
  values: CompareValue[];
}

/** The result of {@link compareSelection}. */
export interface Comparison {
  selection: { description: string; events: number; weighted: number };
  baseline: { events: number; weighted: number };
  fields: CompareField[];
}

const SKIP = new Set([
  'trace_id',
  'span_id',
  'parent_span_id',
  'start_time',
  'duration_ms',
  'sample_rate',
  'is_event',
  'wideline.sample_rate',
]);
const BUCKETED_ABOVE = 20;

/** A 1-2-5 bucket lower bound of a number, as text (`≥ 20`). */
function bucketSql(x: string): string {
  const e = `pow(10, floor(log10(abs(${x}))))`;
  const m = `abs(${x}) / ${e}`;
  return `if(${x} = 0, '0', concat(if(${x} < 0, '≤ -', '≥ '), toString(${e} * multiIf(${m} >= 5, 5, ${m} >= 2, 2, 1))))`;
}

/** Compares the selection with the rest of the events `scope` selects in `window`. */
export async function compareSelection(
  engine: QueryEngine,
  scope: Pick<QuerySpec, 'where' | 'weighted' | 'spans'>,
  selection: Selection,
  window: TimeWindow,
  options: { fields?: readonly string[]; maxFields?: number; maxValues?: number } = {},
): Promise<Comparison> {
  const relation = await engine.relation(scope.spans ? 'spans' : 'events', window);
  const catalog = relation.catalog;
  const where = conditionsSql(scope, relation);
  const from = `${relation.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  const w = weightSql(catalog, scope.weighted);
  const { condition, description, used } = await selectionSql(engine, selection, catalog, from, w);
  const fields = chosenFields(catalog.fields, options.fields, used, (name) =>
    catalog.resolve({ name, start: 0, end: name.length }, '--fields', name),
  );
  if (fields.length === 0)
    return { selection: { description, events: 0, weighted: 0 }, baseline: { events: 0, weighted: 0 }, fields: [] };
  const numeric = fields.filter((f) => f.type === 'number');
  const distinct = numeric.length
    ? (await engine.run(`SELECT ${numeric.map((f) => `uniq(${f.sql})`).join(', ')} FROM ${from}`)).rows[0]!.map(Number)
    : [];
  const valueSql = (f: Field) => {
    const i = numeric.indexOf(f);
    const text = i >= 0 && distinct[i]! > BUCKETED_ABOVE ? bucketSql(f.sql) : `toString(${f.sql})`;
    return `ifNull(${text}, '(none)')`;
  };
  const inner = `SELECT ${condition} AS sel, ${w} AS w, ${fields.map((f, i) => `${valueSql(f)} AS v${i}`).join(', ')} FROM ${from}`;
  const sets = fields.map((_, i) => `(sel, v${i})`).join(', ');
  const sql = `SELECT sel, count(), sum(w), ${fields.map((_, i) => `v${i}`).join(', ')} FROM (${inner}) GROUP BY GROUPING SETS (${sets}) SETTINGS group_by_use_nulls = 1`;
  const rows = (await engine.run(sql)).rows;
  const totals = { sel: { events: 0, weighted: 0 }, base: { events: 0, weighted: 0 } };
  const perField = fields.map(() => new Map<string, { sel: number; base: number }>());
  for (const row of rows) {
    const sel = Boolean(row[0]);
    const at = row.slice(3).findIndex((v) => v !== null);
    if (at < 0) continue;
    const value = String(row[3 + at]);
    const weight = Number(row[2]);
    const entry = perField[at]!.get(value) ?? { sel: 0, base: 0 };
    if (sel) entry.sel += weight;
    else entry.base += weight;
    perField[at]!.set(value, entry);
    if (at === 0) {
      const t = sel ? totals.sel : totals.base;
      t.events += Number(row[1]);
      t.weighted += weight;
    }
  }
  const ranked = fields
    .map((f, i): CompareField => {
      const values = [...perField[i]!.entries()]
        .map(([value, e]) => {
          const s = totals.sel.weighted > 0 ? e.sel / totals.sel.weighted : 0;
          const b = totals.base.weighted > 0 ? e.base / totals.base.weighted : 0;
          return { value, selection: s, baseline: b, difference: s - b };
        })
        .filter((v) => v.difference > 0)
        .sort((a, b) => b.difference - a.difference || a.value.localeCompare(b.value))
        .slice(0, options.maxValues ?? 5);
      return { field: f.name, score: values[0]?.difference ?? 0, values };
    })
    .filter((f) => f.score > 0)
    .sort((a, b) => b.score - a.score || a.field.localeCompare(b.field))
    .slice(0, options.maxFields ?? 10);
  return {
    selection: { description, events: totals.sel.events, weighted: totals.sel.weighted },
    baseline: totals.base,
    fields: ranked,
  };
}

async function selectionSql(
  engine: QueryEngine,
  selection: Selection,
  catalog: Parameters<typeof filterSql>[1],
  from: string,
  w: string,
): Promise<{ condition: string; description: string; used: Set<string> }> {
  if (selection.kind === 'errors')
    return {
      condition: `${catalog.get('status')!.sql} = 'ERROR'`,
      description: 'errors (status = ERROR)',
      used: new Set(['status', 'status_message']),
    };
  if (selection.kind === 'filter') {
    const condition = filterSql(selection.filter, catalog, { context: '--selection', text: selection.text });
    const used = new Set(filterFields(selection.filter).map((r) => catalog.get(r.name)?.name ?? r.name));
    return { condition, description: selection.text, used };
  }
  const d = catalog.get('duration_ms')!.sql;
  const level = 1 - selection.fraction;
  const threshold = Number(
    (
      await engine.run(
        `SELECT quantileExactWeighted(${num(level)})(toFloat64(${d}), toUInt64(round(${w} * 1000))) FROM ${from}`,
      )
    ).rows[0]?.[0] ?? 0,
  );
  // Strictly slower than the (1 - fraction) percentile, so ties at the boundary stay in the baseline.
  return {
    condition: `${d} > ${num(threshold)}`,
    description: `slowest ${+(selection.fraction * 100).toFixed(2)} % (duration_ms > ${+threshold.toFixed(3)}, the p${+(level * 100).toFixed(2)})`,
    used: new Set(),
  };
}

function chosenFields(
  all: Field[],
  asked: readonly string[] | undefined,
  used: Set<string>,
  resolve: (name: string) => Field,
): Field[] {
  if (asked && asked.length > 0) return asked.map(resolve);
  return all.filter((f) => !SKIP.has(f.name) && !used.has(f.name) && f.type !== 'time');
}
