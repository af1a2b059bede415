/**
 * The comparison as a table for the terminal: what moved (regressions by severity, then missing,
 * new, incomparable and improved metrics), or every metric with `all`.
 *
 * @module
 */
import type { Comparison, Report, Status, Summary } from './compare.ts';

const ORDER: Record<Status, number> = {
  regression: 0,
  missing: 1,
  incomparable: 2,
  new: 3,
  improvement: 4,
  unchanged: 5,
};
const SEVERITY_ORDER = { severe: 0, moderate: 1, minor: 2 };

/** A value with its unit, to about three significant digits. */
export function formatValue(value: number, unit: string): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const number = value.toFixed(digits);
  return unit === '×' ? `${number}×` : `${number} ${unit}`;
}

function side(summary: Summary | undefined, unit: string): string {
  if (!summary) return '—';
  const median = formatValue(summary.median, unit);
  if (summary.n === 1) return median;
  return `${median} (${formatValue(summary.min, unit).replace(` ${unit}`, '')}–${formatValue(summary.max, unit)}, n=${summary.n})`;
}

function statusText(row: Comparison): string {
  if (row.status === 'regression') return `regression (${row.severity})`;
  if (row.status === 'improvement') return 'improved';
  return row.status;
}

function changeText(row: Comparison): string {
  const worse = row.worsePct;
  if (worse === undefined) return '';
  if (!Number.isFinite(worse)) return worse > 0 ? 'worse (from 0)' : 'better (from 0)';
  return worse >= 0 ? `${worse.toFixed(1)} % worse` : `${(-worse).toFixed(1)} % better`;
}

function sortRows(rows: readonly Comparison[]): Comparison[] {
  return [...rows].sort(
    (a, b) =>
      ORDER[a.status] - ORDER[b.status] ||
      (a.severity && b.severity ? SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] : 0) ||
      (b.worsePct ?? 0) - (a.worsePct ?? 0) ||
      a.benchmark.localeCompare(b.benchmark) ||
      a.metric.localeCompare(b.metric),
  );
}

function table(header: string[], body: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

/** The report as lines of text. */
export function formatReport(report: Report, options: { all?: boolean } = {}): string[] {
  const shown = sortRows(options.all ? report.rows : report.rows.filter((r) => r.status !== 'unchanged'));
  const unchanged = report.rows.filter((r) => r.status === 'unchanged').length;
  const lines: string[] = [];
  if (shown.length > 0) {
    const body = shown.map((row) => [
      statusText(row),
      row.benchmark,
      row.metric,
      row.variant,
      row.runtime,
      side(row.baseline, row.unit),
      side(row.current, row.unit),
      changeText(row),
      row.note ?? '',
    ]);
    lines.push(
      ...table(['status', 'benchmark', 'metric', 'variant', 'runtime', 'baseline', 'now', 'change', 'note'], body),
    );
  }
  const regressions = report.rows.filter((r) => r.status === 'regression');
  const ratios = regressions.filter((r) => r.unit === '×').length;
  lines.push(
    '',
    `${report.rows.length} metrics: ${regressions.length} regressed (${ratios} of them ratios to the same run's anchor), ` +
      `${report.rows.filter((r) => r.status === 'improvement').length} improved, ${unchanged} unchanged` +
      (options.all || unchanged === 0 ? '' : ' (not shown; --all shows them)'),
  );
  if (report.rows.length > 0)
    lines.push(
      "A `×` metric is a ratio to an anchor measured in the same run (it carries the machine's load in both terms);",
      'the others are absolute figures of this machine, which move with its load: nothing here gates.',
    );
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (report.notRun.length > 0) lines.push(`not run (baseline only): ${report.notRun.join(', ')}`);
  if (report.noBaseline.length > 0)
    lines.push(`no baseline for: ${report.noBaseline.join(', ')} (pnpm bench --save-baseline <name> adds one)`);
  return lines;
}
