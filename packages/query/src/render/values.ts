/**
 * How the query model's values are printed: durations as `12.3 ms`, rates as `4.20 %`, weighted
 * counts without false precision.
 *
 * @module
 */

import { formatDuration } from '../format.ts';
import type { Aggregate } from '../model/aggregate.ts';

/** A number with at most `digits` decimals and no trailing zeros; `—` for missing. */
export function formatNumber(n: unknown, digits = 2): string {
  if (n === null || n === undefined || (typeof n === 'number' && !Number.isFinite(n))) return '—';
  if (typeof n !== 'number') return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  const d = abs >= 100 ? Math.min(digits, 1) : abs >= 1 ? digits : digits + 1;
  return n.toFixed(d).replace(/\.?0+$/, '');
}

/** Whether an aggregate's values are durations (its field is `duration_ms`). */
function isDuration(a: Aggregate): boolean {
  return a.field?.name === 'duration_ms' || a.field?.name === 'duration';
}

/** One aggregate value as text. */
export function formatAggregate(a: Aggregate, value: unknown): string {
  if (value === null || value === undefined) return '—';
  const n = Number(value);
  switch (a.fn) {
    case 'error_rate':
      return `${(n * 100).toFixed(2)} %`;
    case 'rate':
      return `${formatNumber(n)}/s`;
    case 'percentile':
    case 'avg':
    case 'min':
    case 'max':
    case 'sum':
      return isDuration(a) && a.fn !== 'sum' ? formatDuration(n * 1000) : formatNumber(n);
    default:
      return formatNumber(n, 1);
  }
}
