/**
 * A duration × time heatmap of wide events: columns are equal time steps across the window, rows are
 * half-octaves of duration (each row's upper bound is √2 × its lower), cells hold the weighted number
 * of events. Slow outliers and bimodal latencies show up here before any percentile moves.
 *
 * @module
 */
import type { QueryEngine } from '../engine/engine.ts';
import type { QuerySpec, TimeWindow } from '../model/query.ts';
import { conditionsSql, weightSql } from '../sql/compile.ts';

/** Heatmap data. */
export interface Heatmap {
  window: TimeWindow;
  stepUs: number;
  columns: number;
  /** Row lower bounds in ms, fastest first. */
  rowsMs: number[];
  /** `cells[row][column]`: weighted events. */
  cells: number[][];
  max: number;
  total: number;
}

/** Rows per doubling of duration. */
const STEPS_PER_OCTAVE = 2;

/** Computes the heatmap of the events `spec.where` selects in `window`, `columns` time steps wide. */
export async function computeHeatmap(
  engine: QueryEngine,
  spec: Pick<QuerySpec, 'where' | 'weighted' | 'spans'>,
  window: TimeWindow,
  columns: number,
): Promise<Heatmap> {
  const relation = await engine.relation(spec.spans ? 'spans' : 'events', window);
  const c = relation.catalog;
  const stepUs = Math.max(1, Math.ceil((window.toUs - window.fromUs) / columns));
  const start = c.get('start_time')!.sql;
  const duration = c.get('duration_ms')!.sql;
  const where = conditionsSql(spec, relation);
  const sql = `SELECT intDiv(toUnixTimestamp64Micro(${start}) - ${Math.round(window.fromUs)}, ${stepUs}) AS col,
    toInt32(floor(log2(greatest(${duration}, 0.001)) * ${STEPS_PER_OCTAVE})) AS row, sum(${weightSql(c, spec.weighted)}) AS w
    FROM ${relation.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} GROUP BY col, row`;
  const result = await engine.run(sql);
  const points = result.rows.map(([col, row, w]) => ({ col: Number(col), row: Number(row), w: Number(w) }));
  if (points.length === 0) return { window, stepUs, columns, rowsMs: [], cells: [], max: 0, total: 0 };
  const lo = Math.min(...points.map((p) => p.row));
  const hi = Math.max(...points.map((p) => p.row));
  const rowsMs = Array.from({ length: hi - lo + 1 }, (_, i) => 2 ** ((lo + i) / STEPS_PER_OCTAVE));
  const cells = rowsMs.map(() => new Array<number>(columns).fill(0));
  let max = 0;
  let total = 0;
  for (const p of points) {
    const col = Math.min(columns - 1, Math.max(0, p.col));
    const row = cells[p.row - lo]!;
    row[col] = row[col]! + p.w;
    max = Math.max(max, row[col]!);
    total += p.w;
  }
  return { window, stepUs, columns, rowsMs, cells, max, total };
}
