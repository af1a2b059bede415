import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breaches, evaluateRule, exitCodeOf } from '../src/analysis/check.ts';
import { compareSelection } from '../src/analysis/compare.ts';
import { computeHeatmap } from '../src/analysis/heatmap.ts';
import { change, type GroupRegression, regress, severityOf } from '../src/analysis/regress.ts';
import { parseCondition, parseRules } from '../src/analysis/rules.ts';
import { ChdbEngine } from '../src/engine/chdb-engine.ts';
import type { Span } from '../src/index.ts';
import { parseFilter } from '../src/model/filter.ts';
import { querySpec } from '../src/model/query.ts';
import { fixtureSpans, T0_US } from './engine-fixture.ts';

let engine: ChdbEngine;
const base = fixtureSpans()[0]!;
let n = 0;
function event(atS: number, ms: number, attributes: Record<string, string | number>, error = false): Span {
  const start = T0_US + atS * 1e6;
  n++;
  return {
    ...base,
    traceId: n.toString(16).padStart(32, '0'),
    spanId: n.toString(16).padStart(16, '0'),
    service: String(attributes.service ?? 'api'),
    resource: { 'service.name': String(attributes.service ?? 'api') },
    name: String(attributes.name ?? 'GET /orders'),
    startUs: start,
    endUs: start + ms * 1000,
    attributes,
    status: { code: error ? 'ERROR' : 'UNSET', message: undefined },
  };
}

// Two hours: the baseline hour is steady; in the last hour orders got slower (p99 ×2), items lost
// 30 % of their traffic, and users kept the same error rate. Slow requests are mostly in colo sin.
const spans: Span[] = [];
for (let i = 0; i < 600; i++) {
  const late = i >= 300;
  const t = (i % 300) * 12 + (late ? 3600 : 0);
  const slow = i % 10 === 0;
  spans.push(
    event(t, late && slow ? 400 : slow ? 200 : 20 + (i % 7), {
      name: 'GET /orders',
      colo: slow ? 'sin' : i % 2 ? 'ewr' : 'lhr',
      tier: i % 3 ? 'free' : 'pro',
    }),
  );
  if (!late || i % 10 < 7) spans.push(event(t + 1, 10, { name: 'GET /items', colo: 'ewr', tier: 'free' }));
  spans.push(event(t + 2, 15, { name: 'GET /users', colo: 'lhr', tier: 'pro' }, i % 20 === 0));
}
const END_US = T0_US + 7200e6;

beforeAll(async () => {
  engine = await ChdbEngine.create();
  await engine.loadSpans(spans);
  await engine.finishLoad();
});
afterAll(() => engine.close());

describe('compare (BubbleUp)', () => {
  it('finds what is over-represented among the slowest events', async () => {
    const scope = querySpec({ where: "name = 'GET /orders'" });
    const result = await compareSelection(
      engine,
      scope,
      { kind: 'slowest', fraction: 0.1 },
      { fromUs: T0_US, toUs: END_US },
    );
    expect(result.selection.events).toBe(60);
    expect(result.baseline.events).toBe(540);
    expect(result.fields[0]).toMatchObject({ field: 'colo', values: [{ value: 'sin', selection: 1, baseline: 0 }] });
    // name is the same everywhere: never a difference.
    expect(result.fields.map((f) => f.field)).not.toContain('name');
  });

  it('compares a filter selection, leaving out the fields the filter names', async () => {
    const selection = { kind: 'filter' as const, filter: parseFilter('status = error'), text: 'status = error' };
    const result = await compareSelection(engine, querySpec({}), selection, { fromUs: T0_US, toUs: END_US });
    expect(result.selection.events).toBe(30);
    expect(result.fields.map((f) => f.field)).not.toContain('status');
    expect(result.fields.find((f) => f.field === 'name')!.values[0]).toMatchObject({
      value: 'GET /users',
      selection: 1,
    });
  });
});

describe('regress', () => {
  const windows = {
    current: { fromUs: END_US - 3600e6, toUs: END_US },
    baseline: { fromUs: T0_US, toUs: END_US - 3600e6 },
  };

  it('flags p99 up 2×, throughput down 30 %, and leaves steady groups alone', async () => {
    const groups = await regress(engine, querySpec({ by: 'name' }), windows, 10);
    const byName: Record<string, GroupRegression> = Object.fromEntries(groups.map((g) => [g.key[0], g]));
    const orders = byName['GET /orders']!;
    expect(orders.metrics.find((m) => m.metric === 'p99')).toMatchObject({
      baseline: 200,
      current: 400,
      ratio: 2,
      flagged: true,
      severity: 'severe',
    });
    expect(orders.severity).toBe('severe');
    const items = byName['GET /items']!;
    expect(items.metrics.find((m) => m.metric === 'throughput')).toMatchObject({ flagged: true, severity: 'moderate' });
    expect(items.metrics.find((m) => m.metric === 'throughput')!.ratio).toBeCloseTo(0.7, 5);
    expect(byName['GET /users']).toMatchObject({ severity: undefined, enough: true });
    expect(groups[0]!.key).toEqual(['GET /orders']);
  });

  it('flags nothing for groups with too few events', async () => {
    const groups = await regress(engine, querySpec({ by: 'name' }), windows, 1000);
    expect(groups.every((g) => g.severity === undefined && !g.enough)).toBe(true);
  });

  it.each([
    ['p99', 100, 114, false, undefined],
    ['p99', 100, 116, true, 'minor'],
    ['p50', 100, 111, true, 'minor'],
    ['p95', 100, 130, true, 'moderate'],
    ['p95', 100, 151, true, 'severe'],
    ['throughput', 100, 96, false, undefined],
    ['throughput', 100, 94, true, 'minor'],
    ['throughput', 100, 40, true, 'severe'],
    ['error_rate', 0.01, 0.014, false, undefined],
    ['error_rate', 0.01, 0.016, true, 'severe'],
    ['error_rate', 0, 0.01, true, 'severe'],
    ['error_rate', 0, 0, false, undefined],
  ] as const)('%s %d → %d: flagged %s, %s', (metric, b, c, flagged, severity) => {
    expect(change(metric, b, c)).toMatchObject({ flagged, severity });
  });

  it('grades changes: minor under 20 %, moderate 20–50 %, severe over 50 %', () => {
    expect([0.19, 0.2, 0.5, 0.51].map(severityOf)).toEqual(['minor', 'moderate', 'moderate', 'severe']);
  });
});

describe('check (alert rules)', () => {
  const rules = parseRules(
    `rules:
  - name: users errors
    severity: P1
    where: name = 'GET /users'
    when: error_rate >= 4%
    for: 20m
    every: 10m
  - name: orders p99
    severity: P0
    where: name = 'GET /orders'
    when: p99 > 300ms
    for: 30m
    every: 10m
  - name: slow items
    severity: P2
    where: name = 'GET /items'
    when: p50 > 1s
    for: 5m
  - name: nothing here
    severity: P2
    where: name = 'GET /nothing'
    when: count > 0
    for: 5m
  - name: by colo
    severity: P2
    when: p99 > 300ms
    for: 30m
    every: 10m
    by: colo
`,
    'rules.yaml',
  );

  it('fires when the condition held in every bucket, and exits by the most urgent firing rule', async () => {
    const results = [];
    for (const rule of rules) results.push(await evaluateRule(engine, rule, END_US));
    expect(results.map((r) => [r.rule.name, r.state])).toEqual([
      ['users errors', 'firing'],
      ['orders p99', 'firing'],
      ['slow items', 'ok'],
      ['nothing here', 'no data'],
      ['by colo', 'firing'],
    ]);
    expect(results[4]!.groups.map((g) => [g.key[0], g.state])).toEqual([
      ['sin', 'firing'],
      ['ewr', 'ok'],
      ['lhr', 'ok'],
    ]);
    expect(results[1]!.groups[0]!.values).toEqual([400, 400, 400]);
    expect(exitCodeOf(results)).toBe(12);
    expect(exitCodeOf(results.slice(0, 1))).toBe(11);
    expect(exitCodeOf(results.slice(2, 4))).toBe(0);
  });

  it('is pending when only the latest bucket breaches', async () => {
    const [rule] = parseRules(
      'rules: [{ name: p, severity: P2, where: "name = \'GET /orders\'", when: "p99 > 300ms", for: 2h, every: 1h }]',
      'r.yaml',
    );
    const result = await evaluateRule(engine, rule!, END_US);
    expect(result.groups[0]).toMatchObject({ state: 'pending', values: [200, 400] });
  });

  it.each([
    [
      'rules: [{ name: a, severity: P4, when: count > 1 }]',
      /r.yaml:1:30: severity "P4" of rule "a" must be P0, P1 or P2/,
    ],
    [
      'rules: [{ name: a, severity: P1, when: count > 1, fro: 5m }]',
      /r.yaml:1:51: unknown key "fro" in rule 1; did you mean "for"\?/,
    ],
    ['rules: [{ name: a, severity: P1 }]', /r.yaml:1:9: rule 1 has no "when"/],
    ['rules: [{ name: a, severity: P1, when: "count >" }]', /rule "a" when: expected a number, a duration/],
    [
      'rules: [{ name: a, severity: P1, when: "count > 1", where: "colo = " }]',
      /rule "a" where: expected a value, found the end/,
    ],
    ['rules: [{ name: a, severity: P1, when: "count > 1", for: soon }]', /rule "a": --for "soon" is not a duration/],
    ['rules:\n  - name: a\n   severity: P1', /r.yaml:3:\d+: /],
    ['rules: []', /expected a list of rules/],
    [
      'rules: [{ name: a, severity: P1, when: count > 1 }, { name: a, severity: P1, when: count > 1 }]',
      /two rules are named "a"/,
    ],
  ])('reports %j with its position', (text, message) => {
    expect(() => parseRules(text, 'r.yaml')).toThrow(message);
  });

  it('compares conditions in the units people write', () => {
    expect(parseCondition('p95 > 2s', 'c')).toMatchObject({ op: '>', threshold: 2000 });
    expect(parseCondition('error_rate >= 5%', 'c')).toMatchObject({ op: '>=', threshold: 0.05 });
    expect(breaches(parseCondition('error_rate > 5%', 'c'), 0.051)).toBe(true);
    expect(breaches(parseCondition('rate < 10', 'c'), 10)).toBe(false);
  });
});

describe('heatmap', () => {
  it('puts each event in its time column and duration row, weighted', async () => {
    const map = await computeHeatmap(
      engine,
      querySpec({ where: "name = 'GET /orders'" }),
      { fromUs: T0_US, toUs: END_US },
      2,
    );
    expect(map.total).toBe(600);
    const row = (ms: number) =>
      map.rowsMs.findIndex((lo, i) => ms >= lo && ms < (map.rowsMs[i + 1] ?? Number.POSITIVE_INFINITY));
    expect(map.cells[row(200)]).toEqual([30, 0]);
    expect(map.cells[row(400)]).toEqual([0, 30]);
  });
});
