/**
 * Evaluates alert rules once: each rule's metric in `every`-wide buckets over its `for` window. A rule
 * fires when every bucket has events and breaches the threshold (the condition held for the whole
 * duration), is pending when the latest bucket breaches but not all do, and says "no data" when the
 * window has no matching events.
 *
 * @module
 */
import type { QueryEngine } from '../engine/engine.ts';
import type { QuerySpec } from '../model/query.ts';
import { aggregateSql, conditionsSql, groupKeySql } from '../sql/compile.ts';
import type { AlertSeverity, Rule } from './rules.ts';

/** A rule's state for one group. */
export type AlertState = 'firing' | 'pending' | 'ok' | 'no data';

/** One group of one rule. */
export interface AlertGroup {
  key: string[];
  state: AlertState;
  /** The metric per bucket, oldest first; `null` for a bucket without events. */
  values: (number | null)[];
}

/** A rule's evaluation. */
export interface RuleResult {
  rule: Rule;
  from: string;
  to: string;
  groups: AlertGroup[];
  /** The worst state among the groups. */
  state: AlertState;
}

/** Exit codes of a firing rule, by severity. */
export const FIRING_EXIT_CODES: Record<AlertSeverity, number> = { P0: 12, P1: 11, P2: 10 };

const STATE_RANK: Record<AlertState, number> = { firing: 3, pending: 2, ok: 1, 'no data': 0 };

/** Whether `value` breaches the rule's threshold. */
export function breaches(rule: Pick<Rule, 'op' | 'threshold' | 'metric'>, value: number): boolean {
  // Durations are compared in milliseconds, the unit duration_ms and the parsed thresholds share.
  const t = rule.threshold;
  switch (rule.op) {
    case '>':
      return value > t;
    case '>=':
      return value >= t;
    case '<':
      return value < t;
    case '<=':
      return value <= t;
    case '=':
      return value === t;
    default:
      return value !== t;
  }
}

/** Evaluates one rule at `nowUs`. */
export async function evaluateRule(engine: QueryEngine, rule: Rule, nowUs: number): Promise<RuleResult> {
  const window = { fromUs: nowUs - rule.forUs, toUs: nowUs };
  const relation = await engine.relation('events', window);
  const c = relation.catalog;
  const spec: QuerySpec = {
    where: rule.where,
    by: rule.by,
    aggregates: { list: [rule.metric], text: rule.when },
    everySeconds: rule.everyUs / 1e6,
    order: undefined,
    limit: undefined,
    top: undefined,
    weighted: true,
    spans: false,
  };
  const buckets = Math.max(1, Math.round(rule.forUs / rule.everyUs));
  const groups = rule.by.refs.map((r) => groupKeySql(c.resolve(r, `rule "${rule.name}" by`, rule.by.text)));
  const where = conditionsSql(spec, relation);
  const bucket = `intDiv(toUnixTimestamp64Micro(${c.get('start_time')!.sql}) - ${Math.round(window.fromUs)}, ${Math.round(rule.everyUs)})`;
  const sql = `SELECT ${[...groups.map((g, i) => `${g} AS g${i}`), `${bucket} AS b`, `${aggregateSql(rule.metric, relation, spec, rule.everyUs / 1e6)} AS v`].join(', ')}
    FROM ${relation.from} WHERE ${where.join(' AND ')} GROUP BY ${[...groups.map((_, i) => `g${i}`), 'b'].join(', ')}`;
  const rows = (await engine.run(sql)).rows;
  const n = groups.length;
  const series = new Map<string, { key: string[]; values: (number | null)[] }>();
  for (const row of rows) {
    const key = row.slice(0, n).map(String);
    const id = JSON.stringify(key);
    const entry = series.get(id) ?? { key, values: new Array<number | null>(buckets).fill(null) };
    const b = Math.min(buckets - 1, Math.max(0, Number(row[n])));
    entry.values[b] = row[n + 1] === null ? null : Number(row[n + 1]);
    series.set(id, entry);
  }
  const alertGroups: AlertGroup[] = [...series.values()].map(({ key, values }) => ({
    key,
    values,
    state: stateOf(rule, values),
  }));
  if (alertGroups.length === 0 && n === 0)
    alertGroups.push({ key: [], values: new Array(buckets).fill(null), state: 'no data' });
  alertGroups.sort((a, b) => STATE_RANK[b.state] - STATE_RANK[a.state] || a.key.join().localeCompare(b.key.join()));
  const state = alertGroups.reduce<AlertState>(
    (s, g) => (STATE_RANK[g.state] > STATE_RANK[s] ? g.state : s),
    'no data',
  );
  const iso = (us: number) => new Date(Math.floor(us / 1000)).toISOString();
  return { rule, from: iso(window.fromUs), to: iso(window.toUs), groups: alertGroups, state };
}

function stateOf(rule: Rule, values: (number | null)[]): AlertState {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return 'no data';
  if (present.length === values.length && present.every((v) => breaches(rule, v))) return 'firing';
  const last = values[values.length - 1];
  if (last !== null && last !== undefined && breaches(rule, last)) return 'pending';
  return 'ok';
}

/** The process exit code for a set of results: by the most urgent firing rule, 0 when none fires. */
export function exitCodeOf(results: readonly RuleResult[]): number {
  const firing = results.filter((r) => r.state === 'firing').map((r) => FIRING_EXIT_CODES[r.rule.severity]);
  return firing.length === 0 ? 0 : Math.max(...firing);
}
