/**
 * Results against the baseline, metric by metric, with fixed thresholds (issue 14):
 *
 * | kind         | worse when | regression when current / baseline |
 * | ------------ | ---------- | ---------------------------------- |
 * | `throughput` | lower      | < 0.95                             |
 * | `latency`    | higher     | > 1.10                             |
 * | `p99`        | higher     | > 1.15                             |
 * | `error_rate` | higher     | > 1.5                              |
 *
 * The same factor the other way (≥ 1/0.95, ≤ 1/1.10, …) is an improvement; anything between is
 * unchanged. A regression's severity is how much worse it is: minor under 20 %, moderate 20–50 %,
 * severe over 50 %. Each side of a metric is the median of its samples (one per round).
 *
 * Nothing here gates: absolute figures move with the machine's load, so this reports what moved.
 *
 * @example
 * const report = compareResults(readResultsDir(baselineDir()), readResultsDir(resultsDir()));
 * report.rows.filter((row) => row.status === 'regression');
 * @module
 */
import type { MetricKind, ResultsFile, Sample } from './samples.ts';

/** The regression threshold of each kind, as a factor of the baseline. */
export const THRESHOLDS: Readonly<Record<MetricKind, number>> = {
  throughput: 0.95,
  latency: 1.1,
  p99: 1.15,
  error_rate: 1.5,
};

export type Severity = 'minor' | 'moderate' | 'severe';

/** `incomparable`: unit or kind changed, or a value is negative. */
export type Status = 'regression' | 'improvement' | 'unchanged' | 'missing' | 'new' | 'incomparable';

/** The samples of one metric on one side. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** One metric (benchmark, metric, variant, runtime) compared. */
export interface Comparison {
  benchmark: string;
  metric: string;
  variant: string;
  runtime: string;
  unit: string;
  kind: MetricKind;
  status: Status;
  /** Regressions only. */
  severity?: Severity;
  baseline?: Summary;
  current?: Summary;
  /** current / baseline (medians), when both exist and the baseline is not 0. */
  factor?: number;
  /** How much worse, in percent (negative: better); `Infinity` from a baseline of 0. */
  worsePct?: number;
  note?: string;
}

/** The whole comparison. */
export interface Report {
  rows: Comparison[];
  /** Benchmarks with a baseline but no results: not run since. */
  notRun: string[];
  /** Benchmarks with results but no baseline. */
  noBaseline: string[];
  /** Run settings that differ from the baseline's, one line per benchmark. */
  notes: string[];
}

/** The severity of a regression `worsePct` percent worse than the baseline. */
export function severityOf(worsePct: number): Severity {
  if (worsePct < 20) return 'minor';
  if (worsePct <= 50) return 'moderate';
  return 'severe';
}

/** Median, range and count of values (at least one). */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i] as number;
  const median = sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { median, min: at(0), max: at(sorted.length - 1), n: sorted.length };
}

/** The identity of a metric within a benchmark. */
export function metricKey(sample: Sample): string {
  const { variant, runtime } = sample.dimensions;
  return `${sample.metric}\u0000${variant}\u0000${runtime}`;
}

interface Group {
  first: Sample;
  values: number[];
}

function group(samples: readonly Sample[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const sample of samples) {
    const key = metricKey(sample);
    const found = groups.get(key);
    if (found) found.values.push(sample.value);
    else groups.set(key, { first: sample, values: [sample.value] });
  }
  return groups;
}

type Verdict = Pick<Comparison, 'status' | 'severity' | 'factor' | 'worsePct' | 'note'>;

/** Compares one metric's two sides. */
export function compareMetric(kind: MetricKind, baseline: Summary, current: Summary): Verdict {
  const base = baseline.median;
  const now = current.median;
  if (base < 0 || now < 0) return { status: 'incomparable', note: 'a negative value has no ratio' };
  const higherIsBetter = kind === 'throughput';
  if (base === 0) {
    if (now === 0) return { status: 'unchanged', worsePct: 0 };
    return higherIsBetter
      ? { status: 'improvement', worsePct: -Infinity }
      : { status: 'regression', severity: 'severe', worsePct: Infinity };
  }
  const factor = now / base;
  const limit = THRESHOLDS[kind];
  // Rounded to 1e-9 so that 100 → 80 is 20 % (moderate), not 19.999999999999996 % (minor).
  const worsePct = Math.round((higherIsBetter ? 1 - factor : factor - 1) * 1e11) / 1e9;
  const regressed = higherIsBetter ? factor < limit : factor > limit;
  const improved = higherIsBetter ? factor > 1 / limit : factor < 1 / limit;
  if (regressed) return { status: 'regression', severity: severityOf(worsePct), factor, worsePct };
  return { status: improved ? 'improvement' : 'unchanged', factor, worsePct };
}

function paramNote(baseline: ResultsFile, current: ResultsFile): string | undefined {
  const keys = new Set([...Object.keys(baseline.params), ...Object.keys(current.params)]);
  const differ = [...keys]
    .filter((k) => baseline.params[k] !== current.params[k])
    .map((k) => `${k} ${String(current.params[k] ?? '—')} (baseline ${String(baseline.params[k] ?? '—')})`);
  if (differ.length === 0) return undefined;
  return `${current.benchmark}: run with other settings than the baseline — ${differ.join(', ')}`;
}

function rowOf(benchmark: string, sample: Sample, status: Status): Comparison {
  const { metric, unit, kind, dimensions } = sample;
  return { benchmark, metric, variant: dimensions.variant, runtime: dimensions.runtime, unit, kind, status };
}

function compareFile(baseline: ResultsFile, current: ResultsFile): Comparison[] {
  const before = group(baseline.samples);
  const after = group(current.samples);
  const rows: Comparison[] = [];
  for (const [key, b] of before) {
    const a = after.get(key);
    const row = { ...rowOf(current.benchmark, (a ?? b).first, 'missing'), baseline: summarize(b.values) };
    if (a) {
      const current = summarize(a.values);
      const changed = a.first.unit !== b.first.unit || a.first.kind !== b.first.kind;
      const verdict: Verdict = changed
        ? {
            status: 'incomparable',
            note: `was ${b.first.kind} in ${b.first.unit}, now ${a.first.kind} in ${a.first.unit}`,
          }
        : compareMetric(a.first.kind, row.baseline, current);
      Object.assign(row, { current }, verdict);
    }
    rows.push(row);
  }
  for (const [key, a] of after)
    if (!before.has(key)) rows.push({ ...rowOf(current.benchmark, a.first, 'new'), current: summarize(a.values) });
  return rows;
}

/** Compares every benchmark that has both a baseline and results. */
export function compareResults(baseline: readonly ResultsFile[], current: readonly ResultsFile[]): Report {
  const byName = new Map(baseline.map((f) => [f.benchmark, f]));
  const ran = new Set(current.map((f) => f.benchmark));
  const report: Report = {
    rows: [],
    notRun: baseline.map((f) => f.benchmark).filter((name) => !ran.has(name)),
    noBaseline: [],
    notes: [],
  };
  for (const file of current) {
    const base = byName.get(file.benchmark);
    if (!base) {
      report.noBaseline.push(file.benchmark);
      continue;
    }
    const note = paramNote(base, file);
    if (note) report.notes.push(note);
    report.rows.push(...compareFile(base, file));
  }
  return report;
}
