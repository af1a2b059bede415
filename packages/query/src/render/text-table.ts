/**
 * Text tables for the terminal: columns sized to their content, numbers right-aligned, and an
 * optional bar column drawn from one numeric column (eighth blocks, so small differences show).
 *
 * @module
 */
import type { Style } from '../style.ts';

/** A column of a {@link textTable}. */
export interface TextColumn {
  header: string;
  align?: 'left' | 'right';
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `fraction` (0..1) of `width` cells. */
export function bar(fraction: number, width: number): string {
  const cells = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0)) * width;
  const full = Math.floor(cells);
  const rest = Math.round((cells - full) * 8);
  return '█'.repeat(full) + (rest === 8 ? '█' : EIGHTHS[rest]!);
}

/** Renders rows under a dim header line. */
export function textTable(columns: readonly TextColumn[], rows: readonly string[][], style: Style): string[] {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const pad = (text: string, i: number) => {
    const gap = ' '.repeat(Math.max(0, widths[i]! - [...text].length));
    return columns[i]!.align === 'right' ? gap + text : text + gap;
  };
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => pad(c, i))
      .join('  ')
      .trimEnd();
  return [style.dim(line(columns.map((c) => c.header))), ...rows.map(line)];
}
