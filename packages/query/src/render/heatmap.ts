/**
 * The heatmap in the terminal: slowest durations at the top, time left to right, shade by the
 * (log-scaled) weighted count of each cell — so one slow request in a quiet minute still shows.
 *
 * @module
 */
import type { Heatmap } from '../analysis/heatmap.ts';
import { formatDuration } from '../format.ts';
import { createStyle } from '../style.ts';

const SHADES = ['·', '░', '▒', '▓', '█'];

/** The shade index (0 empty … 4 densest) of a cell: log scale against the densest cell. */
export function shade(value: number, max: number): number {
  if (value <= 0 || max <= 0) return 0;
  return Math.max(1, Math.min(4, Math.ceil((Math.log1p(value) / Math.log1p(max)) * 4)));
}

const clock = (us: number) => new Date(Math.floor(us / 1000)).toISOString().slice(11, 19);

/** Heatmap lines: one per duration row, an axis, and a legend; `color` (default false) shades in ANSI. */
export function renderHeatmap(map: Heatmap, options: { color?: boolean } = {}): string[] {
  const style = createStyle(options.color ?? false);
  if (map.total === 0) return ['(no events to draw)'];
  const labels = map.rowsMs.map((ms) => formatDuration(ms * 1000));
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const lines: string[] = [];
  for (let r = map.rowsMs.length - 1; r >= 0; r--) {
    const cells = map.cells[r]!.map((v) => {
      const s = shade(v, map.max);
      return s === 0 ? style.dim(SHADES[0]!) : s >= 3 ? style.yellow(SHADES[s]!) : SHADES[s]!;
    });
    const label = r % 2 === 0 || r === map.rowsMs.length - 1 ? labels[r]! : '';
    lines.push(`${label.padStart(labelWidth)} ┤${cells.join('')}`);
  }
  const axis = `${' '.repeat(labelWidth)} └${'─'.repeat(map.columns)}`;
  const start = clock(map.window.fromUs);
  const end = clock(map.window.toUs);
  const gap = Math.max(1, map.columns + 2 - start.length - end.length);
  lines.push(axis, `${' '.repeat(labelWidth)}  ${start}${' '.repeat(gap)}${end} UTC`);
  lines.push(
    style.dim(
      `${' '.repeat(labelWidth)}  each column ${formatDuration(map.stepUs)} · rows ×√2 in duration · ${SHADES.slice(1).join('')} fewer → more events (log scale, densest cell ${Math.round(map.max)})`,
    ),
  );
  return lines;
}
