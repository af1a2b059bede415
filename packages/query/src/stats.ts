/**
 * `wideline stats`: metrics derived at query time from wide events — the local root spans of a
 * service (spans whose parent is absent or in another service). Each event stands for
 * `wideline.sample_rate` events (1 when absent), so counts and percentiles are weighted: a sampled-down
 * endpoint is not under-counted next to one kept in full.
 *
 * @module
 */
import { matchesWhere, pseudoField, valueText, type WhereClause } from './format.ts';
import { attributeOf, durationUs, SAMPLE_RATE_ATTRIBUTE, type Span } from './span.ts';

/** A weighted observation. */
export interface Weighted {
  value: number;
  weight: number;
}

/**
 * Weighted nearest-rank percentile: the smallest value whose cumulative weight reaches `p`% of the
 * total. With all weights 1 it is the classic nearest-rank percentile. `NaN` for no data.
 *
 * @example
 * weightedPercentile([{ value: 10, weight: 3 }, { value: 50, weight: 1 }], 50); // 10
 */
export function weightedPercentile(data: readonly Weighted[], p: number): number {
  const sorted = data.filter((d) => d.weight > 0 && Number.isFinite(d.value)).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((s, d) => s + d.weight, 0);
  if (total === 0) return Number.NaN;
  const target = (Math.min(100, Math.max(0, p)) / 100) * total;
  let cumulative = 0;
  for (const d of sorted) {
    cumulative += d.weight;
    // A relative epsilon keeps float sums like 0.1 + 0.2 from skipping the exact rank.
    if (cumulative >= target - total * 1e-12) return d.value;
  }
  return sorted[sorted.length - 1]!.value;
}

/** The weight of a wide event: its `wideline.sample_rate`, 1 when absent or not a positive number. */
export function sampleWeight(span: Span): number {
  const rate = Number(span.attributes[SAMPLE_RATE_ATTRIBUTE]);
  return Number.isFinite(rate) && rate > 0 ? rate : 1;
}

/** Local roots of `service` in one trace: its wide events. */
export function wideEvents(spans: readonly Span[], service: string): Span[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans.filter((s) => {
    if (s.service !== service) return false;
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    return !parent || parent.service !== service;
  });
}

/** One row of `stats` output. */
export interface StatsGroup {
  key: string;
  /** Events seen. */
  count: number;
  /** Events they stand for (sum of sample rates). */
  weightedCount: number;
  /** Weighted count of ERROR events. */
  weightedErrors: number;
  /** Latency percentiles in µs, keyed by percentile. */
  percentiles: Record<string, number>;
}

/** Options for {@link computeStats}. */
export interface StatsQuery {
  service: string;
  /** Attribute (or `name`, `status`, `kind`) to group by; one group when absent. */
  by: string | undefined;
  percentiles: readonly number[];
  where: readonly WhereClause[];
}

/** Groups the service's wide events across `traces` and computes weighted counts and percentiles. */
export function computeStats(traces: Iterable<readonly Span[]>, query: StatsQuery): StatsGroup[] {
  const groups = new Map<string, { count: number; weighted: number; errors: number; data: Weighted[] }>();
  for (const spans of traces) {
    for (const event of wideEvents(spans, query.service)) {
      if (!matchesWhere(event, query.where)) continue;
      const key = query.by
        ? (valueText(attributeOf(event, query.by) ?? pseudoField(event, query.by)) ?? '(none)')
        : 'all';
      const weight = sampleWeight(event);
      let g = groups.get(key);
      if (!g) {
        g = { count: 0, weighted: 0, errors: 0, data: [] };
        groups.set(key, g);
      }
      g.count++;
      g.weighted += weight;
      if (event.status.code === 'ERROR') g.errors += weight;
      g.data.push({ value: durationUs(event), weight });
    }
  }
  return [...groups.entries()]
    .map(([key, g]) => ({
      key,
      count: g.count,
      weightedCount: g.weighted,
      weightedErrors: g.errors,
      percentiles: Object.fromEntries(query.percentiles.map((p) => [`p${p}`, weightedPercentile(g.data, p)])),
    }))
    .sort((a, b) => b.weightedCount - a.weightedCount || a.key.localeCompare(b.key));
}
