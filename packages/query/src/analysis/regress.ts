/**
 * Regression check: the last `window` against the `baseline` before it, per group — throughput,
 * p50 / p95 / p99 and error rate, each flagged by a fixed threshold and graded by how far it moved.
 *
 * | metric | flagged when, against the baseline |
 * | --- | --- |
 * | throughput | below 0.95 × |
 * | p50, p95 | above 1.10 × |
 * | p99 | above 1.15 × |
 * | error rate | above 1.5 × |
 *
 * Severity is the size of the change: minor under 20 %, moderate 20–50 %, severe over 50 %.
 *
 * @module
 */
import type { QueryEngine } from '../engine/engine.ts';
import type { QuerySpec, TimeWindow } from '../model/query.ts';
import { conditionsSql, groupKeySql, weightSql } from '../sql/compile.ts';
import { micros } from '../sql/quote.ts';

/** Metrics compared. */
export type RegressMetric = 'throughput' | 'p50' | 'p95' | 'p99' | 'error_rate';

/** How bad a flagged change is. */
export type Severity = 'minor' | 'moderate' | 'severe';

/** The fixed thresholds: a ratio current / baseline past which a metric is flagged. */
export const THRESHOLDS: Record<RegressMetric, { ratio: number; worse: 'lower' | 'higher' }> = {
  throughput: { ratio: 0.95, worse: 'lower' },
  p50: { ratio: 1.1, worse: 'higher' },
  p95: { ratio: 1.1, worse: 'higher' },
  p99: { ratio: 1.15, worse: 'higher' },
  error_rate: { ratio: 1.5, worse: 'higher' },
};

/** One metric of one group. */
export interface MetricChange {
  metric: RegressMetric;
  baseline: number;
  current: number;
  /** current / baseline; `Infinity` when the baseline is 0 and the current is not. */
  ratio: number;
  flagged: boolean;
  severity: Severity | undefined;
}

/** One group's comparison. */
export interface GroupRegression {
  key: string[];
  events: { baseline: number; current: number };
  /**
   * False when the baseline has fewer than `minEvents` events (nothing is flagged), or either window
   * has (only throughput can be flagged: a group that stopped is a regression).
   */
  enough: boolean;
  metrics: MetricChange[];
  /** The worst severity among its flagged metrics. */
  severity: Severity | undefined;
}

/** The windows compared. */
export interface RegressWindows {
  current: TimeWindow;
  baseline: TimeWindow;
}

/** The grade of a change of `fraction` (0.3 = 30 %). */
export function severityOf(fraction: number): Severity {
  if (fraction > 0.5) return 'severe';
  if (fraction >= 0.2) return 'moderate';
  return 'minor';
}

const RANK: Record<Severity, number> = { minor: 1, moderate: 2, severe: 3 };

/** The worse of two severities. */
export function worse(a: Severity | undefined, b: Severity | undefined): Severity | undefined {
  if (!a) return b;
  if (!b) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** Grades one metric. */
export function change(metric: RegressMetric, baseline: number, current: number): MetricChange {
  const { ratio: limit, worse: direction } = THRESHOLDS[metric];
  const ratio = baseline === 0 ? (current === 0 ? 1 : Number.POSITIVE_INFINITY) : current / baseline;
  const flagged = direction === 'lower' ? ratio < limit : ratio > limit;
  const moved = Math.abs(ratio - 1);
  return { metric, baseline, current, ratio, flagged, severity: flagged ? severityOf(moved) : undefined };
}

/** Compares the two windows per group of `by` (field names). */
export async function regress(
  engine: QueryEngine,
  spec: Pick<QuerySpec, 'where' | 'weighted' | 'spans' | 'by'>,
  windows: RegressWindows,
  minEvents: number,
): Promise<GroupRegression[]> {
  const whole = { fromUs: windows.baseline.fromUs, toUs: windows.current.toUs };
  const relation = await engine.relation(spec.spans ? 'spans' : 'events', whole);
  const c = relation.catalog;
  const groups = spec.by.refs.map((r) => groupKeySql(c.resolve(r, '--by', spec.by.text)));
  const w = weightSql(c, spec.weighted);
  const d = `toFloat64(${c.get('duration_ms')!.sql})`;
  const where = conditionsSql(spec, relation);
  const sql = `SELECT ${[...groups.map((g, i) => `${g} AS g${i}`), `${c.get('start_time')!.sql} >= ${micros(windows.current.fromUs)} AS cur`].join(', ')},
    count(), sum(${w}), quantilesExactWeighted(0.5, 0.95, 0.99)(${d}, toUInt64(round(${w} * 1000))), sumIf(${w}, ${c.get('status')!.sql} = 'ERROR') / sum(${w})
    FROM ${relation.from} WHERE ${where.join(' AND ')} GROUP BY ${[...groups.map((_, i) => `g${i}`), 'cur'].join(', ')}`;
  const rows = (await engine.run(sql)).rows;
  const n = groups.length;
  const byKey = new Map<string, { key: string[]; base?: unknown[]; cur?: unknown[] }>();
  for (const row of rows) {
    const key = row.slice(0, n).map(String);
    const id = JSON.stringify(key);
    const entry = byKey.get(id) ?? { key };
    if (row[n]) entry.cur = row.slice(n + 1);
    else entry.base = row.slice(n + 1);
    byKey.set(id, entry);
  }
  const seconds = (t: TimeWindow) => (t.toUs - t.fromUs) / 1e6;
  const out: GroupRegression[] = [];
  for (const { key, base, cur } of byKey.values()) {
    const read = (r: unknown[] | undefined) => {
      const q = (r?.[2] as number[] | undefined) ?? [0, 0, 0];
      return {
        events: Number(r?.[0] ?? 0),
        weighted: Number(r?.[1] ?? 0),
        p50: q[0]!,
        p95: q[1]!,
        p99: q[2]!,
        errors: Number(r?.[3] ?? 0),
      };
    };
    const b = read(base);
    const k = read(cur);
    const enough = b.events >= minEvents && k.events >= minEvents;
    const quiet = (m: MetricChange): MetricChange => ({ ...m, flagged: false, severity: undefined });
    const throughput = change(
      'throughput',
      b.weighted / seconds(windows.baseline),
      k.weighted / seconds(windows.current),
    );
    const metrics = [
      b.events >= minEvents ? throughput : quiet(throughput),
      ...(base && cur
        ? [
            change('p50', b.p50, k.p50),
            change('p95', b.p95, k.p95),
            change('p99', b.p99, k.p99),
            change('error_rate', b.errors, k.errors),
          ].map((m) => (enough ? m : quiet(m)))
        : []),
    ];
    const severity = metrics.reduce<Severity | undefined>((s, m) => worse(s, m.severity), undefined);
    out.push({ key, events: { baseline: b.events, current: k.events }, enough, metrics, severity });
  }
  return out.sort(
    (x, y) =>
      (RANK[y.severity!] ?? 0) - (RANK[x.severity!] ?? 0) ||
      y.events.current - x.events.current ||
      x.key.join().localeCompare(y.key.join()),
  );
}
