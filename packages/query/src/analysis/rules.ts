/**
 * Alert rules for `wideline check`, from a YAML (or JSON) file:
 *
 * ```yaml
 * rules:
 *   - name: api error rate
 *     severity: P1            # P0, P1 or P2
 *     where: service = 'api'  # optional, the filter language
 *     when: error_rate > 5%   # <aggregate> <op> <value>: ms/s durations, % rates
 *     for: 5m                 # how long it must hold
 *     every: 1m               # evaluation step, default 1m
 *     by: http.route          # optional: one alert per group
 * ```
 *
 * Every mistake is reported with the file, the line and column, and the rule's name.
 *
 * @module
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { UsageError } from '../errors.ts';
import { parseDuration } from '../format.ts';
import { type Aggregate, parseAggregates } from '../model/aggregate.ts';
import { type FieldRef, type Filter, parseWhereFilter } from '../model/filter.ts';
import { tokenize } from '../model/lexer.ts';
import { parseFieldList } from '../model/query.ts';
import { didYouMean } from '../model/suggest.ts';
import { QuerySyntaxError } from '../model/syntax-error.ts';

/** Alert severities, most urgent first. */
export type AlertSeverity = 'P0' | 'P1' | 'P2';

/** A parsed rule. */
export interface Rule {
  name: string;
  severity: AlertSeverity;
  where: { filter: Filter; text: string } | undefined;
  metric: Aggregate;
  /** The condition's text, for printing. */
  when: string;
  op: '>' | '>=' | '<' | '<=' | '=' | '!=';
  threshold: number;
  forUs: number;
  everyUs: number;
  by: { refs: FieldRef[]; text: string };
}

const KEYS = ['name', 'severity', 'where', 'when', 'for', 'every', 'by'];
const OPS = ['>', '>=', '<', '<=', '=', '!='];

/** `when: p95 > 2s` → metric, op, threshold (durations in ms, percentages as fractions). */
export function parseCondition(text: string, context: string): Pick<Rule, 'metric' | 'op' | 'threshold'> {
  const tokens = tokenize(text, context);
  const opAt = tokens.findIndex((t) => t.kind === 'op');
  const op = tokens[opAt];
  if (!op || !OPS.includes(op.text))
    throw new QuerySyntaxError(
      context,
      text,
      op?.start ?? text.length,
      1,
      'expected <aggregate> <op> <value>, e.g. error_rate > 5% or p95 > 2s',
    );
  const metric = parseAggregates(text.slice(0, op.start).trimEnd(), context);
  if (metric.length !== 1) throw new QuerySyntaxError(context, text, 0, op.start, 'a condition has one aggregate');
  const value = tokens[opAt + 1]!;
  if (!['number', 'duration', 'percent'].includes(value.kind) || tokens[opAt + 2]?.kind !== 'end')
    throw new QuerySyntaxError(
      context,
      text,
      value.start,
      Math.max(1, text.length - value.start),
      'expected a number, a duration (2s, 250ms) or a percentage (5%) after the operator',
    );
  return { metric: metric[0]!, op: op.text as Rule['op'], threshold: value.value };
}

/** Parses a rules file's text. `file` names it in errors. */
export function parseRules(text: string, file: string): Rule[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (node: YamlNode | null | undefined) => {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new UsageError(`${file}:${line}:${col}: ${first.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  const list = isMap(root) ? root.get('rules', true) : root;
  if (!isSeq(list) || list.items.length === 0)
    throw new UsageError(
      `${where(root as YamlNode)}: expected a list of rules under "rules:" (see wideline check --help)`,
    );
  const names = new Set<string>();
  return list.items.map((item, index) => {
    if (!isMap(item))
      throw new UsageError(
        `${where(item as YamlNode)}: rule ${index + 1} is not a mapping of name, severity, when, for …`,
      );
    const field = (key: string) => item.get(key, true) as (YamlNode & { value?: unknown }) | undefined;
    const text = (key: string, required: boolean): string | undefined => {
      const node = field(key);
      if (node === undefined) {
        if (required) throw new UsageError(`${where(item)}: rule ${index + 1} has no "${key}"`);
        return undefined;
      }
      const v = node.value;
      if (typeof v !== 'string' && typeof v !== 'number') throw new UsageError(`${where(node)}: "${key}" must be text`);
      return String(v);
    };
    for (const pair of item.items) {
      const key = String((pair.key as { value?: unknown }).value);
      if (!KEYS.includes(key))
        throw new UsageError(
          `${where(pair.key as YamlNode)}: unknown key "${key}" in rule ${index + 1}${didYouMean(key, KEYS)} (keys: ${KEYS.join(', ')})`,
        );
    }
    const name = text('name', true)!;
    if (names.has(name)) throw new UsageError(`${where(field('name'))}: two rules are named "${name}"`);
    names.add(name);
    const ctx = (key: string) => `${where(field(key))} rule "${name}" ${key}`;
    const severity = text('severity', true)!.toUpperCase();
    if (!['P0', 'P1', 'P2'].includes(severity))
      throw new UsageError(
        `${where(field('severity'))}: severity "${severity}" of rule "${name}" must be P0, P1 or P2`,
      );
    const whereText = text('where', false);
    const when = text('when', true)!;
    const byText = text('by', false) ?? '';
    const duration = (key: string, fallback: string) => {
      try {
        return parseDuration(text(key, false) ?? fallback, key);
      } catch (error) {
        throw new UsageError(`${where(field(key))}: rule "${name}": ${(error as Error).message}`);
      }
    };
    const forUs = duration('for', '0s');
    const everyUs = duration('every', '1m');
    if (everyUs <= 0) throw new UsageError(`${where(field('every'))}: rule "${name}": every must be longer than 0`);
    return {
      name,
      severity: severity as AlertSeverity,
      where: whereText ? { filter: parseWhereFilter(whereText, ctx('where')), text: whereText } : undefined,
      ...parseCondition(when, ctx('when')),
      when,
      forUs: Math.max(forUs, everyUs),
      everyUs,
      by: { refs: parseFieldList(byText, ctx('by')), text: byText },
    };
  });
}
