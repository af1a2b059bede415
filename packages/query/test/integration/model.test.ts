import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromiumLaunchOptions,
  generateWideEvents,
  JAEGER_QUERY_URL,
  OTLP_URL,
  otlpBatches,
  requireStack,
  type WideEvent,
} from '@wideline/testkit';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { weightedPercentile } from '../../src/index.ts';
import { newSpanId } from './otlp.ts';
import { closedPort, wideline } from './run-cli.ts';

const run = `qm-${process.pid}-${newSpanId().slice(0, 4)}`;
const API = `${run}-api`;
const WS = `${run}-ws`;
const dir = mkdtempSync(join(tmpdir(), 'wideline-model-'));
let events: WideEvent[];

/** Waits until Jaeger's search returns `count` traces for the service. */
async function waitForTraces(service: string, count: number): Promise<void> {
  const params = (now: number) =>
    new URLSearchParams({
      'query.service_name': service,
      'query.start_time_min': new Date(now - 3600_000).toISOString(),
      'query.start_time_max': new Date(now + 60_000).toISOString(),
      'query.num_traces': String(count + 10),
    });
  let seen = 0;
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${JAEGER_QUERY_URL}/api/v3/traces?${params(Date.now())}`);
    if (res.ok) {
      const body = (await res.json()) as {
        result: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string }> }> }> };
      };
      seen = new Set(
        body.result.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId))),
      ).size;
      if (seen >= count) return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Jaeger has ${seen} of ${count} traces of ${service}`);
}

const mine = (service: string) => events.filter((e) => e.service === service);
const json = <T>(out: string) => JSON.parse(out) as T;

/** The end of the generated events: `regress` windows end here (`--until`), not at the time the test runs. */
let until: string;

beforeAll(async () => {
  await requireStack();
  const now = Date.now();
  until = new Date(now).toISOString();
  events = generateWideEvents({
    count: 400,
    startMs: now - 10 * 60_000,
    endMs: now - 5_000,
    services: [API, WS],
    seed: 7,
    idSeed: randomInt(2 ** 31),
    regressAfter: 0.7,
    children: 0.25,
  });
  for (const body of otlpBatches(events, 100)) {
    const res = await fetch(`${OTLP_URL}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`OTLP receiver answered ${res.status}`);
  }
  await Promise.all([waitForTraces(API, 200), waitForTraces(WS, 200)]);
}, 60_000);

describe('the query model against the real Jaeger, on generated wide events', () => {
  it('query: weighted counts and percentiles by group, as computed from the events themselves', async () => {
    const { code, stdout, stderr } = await wideline([
      'query',
      '-s',
      API,
      '--since',
      '15m',
      '--by',
      'colo',
      '--agg',
      'events, count, error_rate, p50, p99',
      '--order',
      'colo:asc',
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = json<{
      weighted: boolean;
      notes: string[];
      source: string;
      rows: Array<Record<string, number | string>>;
    }>(stdout);
    expect(out.weighted).toBe(true);
    expect(out.notes).toEqual([]);
    expect(out.source).toMatch(/^Jaeger at .*: 200 traces scanned from 1 service/);
    const colos = [...new Set(mine(API).map((e) => e.colo))].sort();
    expect(out.rows.map((r) => r.colo)).toEqual(colos);
    for (const row of out.rows) {
      const group = mine(API).filter((e) => e.colo === row.colo);
      const data = group.map((e) => ({ value: e.durationMs, weight: e.sampleRate }));
      const weight = group.reduce((s, e) => s + e.sampleRate, 0);
      expect(row).toEqual({
        colo: row.colo,
        events: group.length,
        count: weight,
        error_rate: group.filter((e) => e.error).reduce((s, e) => s + e.sampleRate, 0) / weight,
        p50: weightedPercentile(data, 50),
        p99: weightedPercentile(data, 99),
      });
    }
  });

  it('query: text with a bar per group, top-k with (other), and CSV', async () => {
    const text = await wideline([
      'query',
      '-s',
      API,
      '--since',
      '15m',
      '--by',
      'http.route',
      '--agg',
      'count, p95',
      '--top',
      '2',
    ]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`wide events in the last 15m by http.route where service in ('${API}')`);
    expect(text.stdout).toMatch(/weighted: each event counts as its wideline\.sample_rate events/);
    expect(text.stdout).toMatch(/\n\(other\) +[\d,]+ +[\d.]+ m?s +█*[▏▎▍▌▋▊▉]?\n/);
    const csv = await wideline([
      'query',
      '-s',
      API,
      '--since',
      '15m',
      '--by',
      'user.tier',
      '--agg',
      'events',
      '--order',
      'user.tier:asc',
      '--csv',
    ]);
    const tiers = ['enterprise', 'free', 'pro'];
    expect(csv.stdout.trim().split('\r\n')).toEqual([
      'user.tier,events',
      ...tiers.map((t) => `${t},${mine(API).filter((e) => e.tier === t).length}`),
    ]);
  });

  it('events: the matching wide events, newest first, and never the child spans', async () => {
    const { stdout } = await wideline([
      'events',
      '-s',
      WS,
      '--since',
      '15m',
      '--where',
      "hashMismatchCount > 0 and colo = 'ewr'",
      '--fields',
      'span_id, hashMismatchCount',
      '-n',
      '500',
      '--json',
    ]);
    const expected = mine(WS)
      .filter((e) => e.hashMismatchCount > 0 && e.colo === 'ewr')
      .sort((a, b) => b.startMs - a.startMs);
    expect(json<{ events: Array<{ span_id: string }> }>(stdout).events.map((e) => e.span_id)).toEqual(
      expected.map((e) => e.spanId),
    );
  });

  it('sql: the events and spans views, with every attribute as a column', async () => {
    const { code, stdout } = await wideline([
      'sql',
      '-s',
      API,
      '--since',
      '15m',
      'SELECT "messageType", count(*) AS n FROM events GROUP BY 1 ORDER BY 1',
      '--json',
    ]);
    expect(code).toBe(0);
    const tally = new Map<string, number>();
    for (const e of mine(API)) tally.set(e.messageType, (tally.get(e.messageType) ?? 0) + 1);
    const counts = [...tally]
      .map(([messageType, n]) => ({ messageType, n }))
      .sort((a, b) => a.messageType.localeCompare(b.messageType));
    expect(json<{ rows: unknown[] }>(stdout).rows).toEqual(counts);
    const spans = await wideline([
      'sql',
      '-s',
      API,
      '--since',
      '15m',
      "SELECT count() AS n FROM spans WHERE name = 'db.query'",
      '--json',
    ]);
    expect(json<{ rows: Array<{ n: number }> }>(spans.stdout).rows[0]!.n).toBe(mine(API).filter((e) => e.child).length);
    const refused = await wideline(['sql', '-s', API, 'DELETE FROM spans WHERE 1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'wideline: sql: only SELECT (or WITH … SELECT) is allowed, not DELETE: wideline sql never changes stored data (at column 1)\n  DELETE FROM spans WHERE 1\n  ^^^^^^\n',
    );
  });

  it('compare: colo sin is what the slowest events have in common', async () => {
    const { code, stdout } = await wideline([
      'compare',
      '-s',
      API,
      '-s',
      WS,
      '--since',
      '15m',
      '--slowest',
      '10%',
      '--json',
    ]);
    expect(code).toBe(0);
    const out = json<{ fields: Array<{ field: string; values: Array<{ value: string }> }> }>(stdout);
    // The slow colo is the first or second difference (the regressed route competes for the top).
    const colo = out.fields.slice(0, 2).find((f) => f.field === 'colo');
    expect(colo?.values[0]?.value).toBe('sin');
    const text = await wideline(['compare', '-s', API, '--since', '15m', '--errors', '-n', '2']);
    expect(text.stdout).toMatch(/what is different about errors \(status = ERROR\), in the last 15m/);
    expect(text.stdout).toMatch(/\n {2}\S.* +█+.* % {2}selection\n {2} +░*.* % {2}baseline\n/);
  });

  it('regress: /api/orders got 4× slower in the last 3 minutes of the data; severe, exit 7', async () => {
    const { code, stdout } = await wideline([
      'regress',
      '-s',
      API,
      '-s',
      WS,
      '--window',
      '2m',
      '--baseline',
      '8m',
      '--until',
      until,
      '--by',
      'http.route',
      '--json',
    ]);
    const out = json<{
      severe: boolean;
      groups: Array<{
        key: { 'http.route': string };
        severity: string | null;
        metrics: Array<{ metric: string; flagged: boolean }>;
      }>;
    }>(stdout);
    expect(code).toBe(7);
    expect(out.severe).toBe(true);
    const orders = out.groups.find((g) => g.key['http.route'] === '/api/orders')!;
    expect(orders.severity).toBe('severe');
    expect(orders.metrics.filter((m) => m.flagged).map((m) => m.metric)).toContain('p50');
    const steady = await wideline([
      'regress',
      '-s',
      API,
      '--window',
      '2m',
      '--baseline',
      '8m',
      '--until',
      until,
      '--where',
      "http.route != '/api/orders'",
      '--min-events',
      '1000',
    ]);
    expect(steady.code).toBe(0);
    expect(steady.stdout).toMatch(/no regressions in \d+ groups/);
  });

  it('check: a firing P1 rule exits 11; mistakes in the file are shown where they are', async () => {
    const rules = join(dir, 'rules.yaml');
    writeFileSync(
      rules,
      `rules:\n  - name: cart errors\n    severity: P1\n    where: http.route = '/api/cart'\n    when: error_rate >= 0%\n    for: 4m\n    every: 2m\n  - name: sin p99\n    severity: P2\n    where: colo = sin\n    when: p99 > 1h\n    for: 4m\n    every: 2m\n`,
    );
    const { code, stdout } = await wideline(['check', rules, '-s', API, '-s', WS]);
    expect(stdout).toMatch(/✗ FIRING +P1 {2}cart errors: error_rate >= 0% for 4m where http\.route = '\/api\/cart'/);
    expect(stdout).toMatch(/✓ ok +P2 {2}sin p99/);
    expect(code).toBe(11);
    writeFileSync(rules, 'rules:\n  - name: x\n    severity: P1\n    when: p99 > 2x\n');
    const bad = await wideline(['check', rules, '-s', API]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /rules\.yaml:4:11 rule "x" when: expected a number, a duration \(2s, 250ms\) or a percentage \(5%\) after the operator/,
    );
  });

  it('heatmap and --html: one self-contained page, checked in Chromium', async () => {
    const page = join(dir, 'report.html');
    const { code, stdout } = await wideline(['heatmap', '-s', API, '--since', '15m', '--width', '80']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/┤/);
    expect(stdout).toMatch(/each column \d+\.\d+ s · rows ×√2 in duration/);
    const compared = await wideline([
      'compare',
      '-s',
      API,
      '-s',
      WS,
      '--since',
      '15m',
      '--slowest',
      '10%',
      '--html',
      page,
    ]);
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain(`wrote ${page}`);
    const browser = await chromium.launch(chromiumLaunchOptions());
    try {
      const tab = await browser.newPage();
      const requests: string[] = [];
      tab.on('request', (r) => requests.push(r.url()));
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(`file://${page}`);
      expect(requests).toEqual([`file://${page}`]);
      expect(errors).toEqual([]);
      expect(await tab.title()).toMatch(/^what is different about slowest 10 %/);
      const cells = await tab.locator('svg.heatmap rect.cell').count();
      expect(cells).toBeGreaterThan(10);
      expect(await tab.locator('section.field h3').allTextContents()).toContain('colo');
      const bar = await tab.locator('section.field .bar.selection').first().boundingBox();
      expect(bar!.width).toBeGreaterThan(50);
      await tab.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    const query = join(dir, 'query.html');
    await wideline(['query', '-s', API, '--since', '15m', '--by', 'colo', '--html', query, '--json']);
    const html = readFileSync(query, 'utf8');
    expect(html).toMatch(/<table class="groups">/);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b|\b(src|href)=/);
  });

  it('says when Jaeger’s search depth truncated the window, and how many traces were scanned', async () => {
    const { stdout } = await wideline(['query', '-s', API, '--since', '15m', '--depth', '50']);
    expect(stdout).toMatch(
      new RegExp(
        `⚠ Jaeger's search depth truncated the window for ${API}: 50 traces scanned, the --depth limit, so the results cover only part of the 15m asked \\(the oldest trace read starts \\S+ \\S+ ago\\); raise --depth, narrow --since, or query ClickHouse \\(--clickhouse\\), which has no limit\\.`,
      ),
    );
  });

  it('says so when the window has no events, and when the filter matched none', async () => {
    const empty = await wideline(['query', '-s', `${run}-nobody`, '--since', '5m']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/no wide events in the window: nothing was recorded then, or the source holds none/);
    const none = await wideline(['query', '-s', API, '--since', '15m', '--where', "colo = 'mars'"]);
    expect(none.stdout).toMatch(/\n200 wide events in the window, none matching --where\n/);
  });

  it('bad input: errors with the position and the nearest field; unreachable Jaeger keeps exit 3', async () => {
    const typo = await wideline(['query', '-s', API, '--since', '15m', '--where', "colo2 = 'ewr'"]);
    expect(typo.code).toBe(2);
    const where = `(service in ('${API}')) and (colo2 = 'ewr')`;
    const at = where.indexOf('colo2');
    expect(typo.stderr).toBe(
      `wideline: --where: unknown field "colo2"; did you mean "colo"? (at column ${at + 1})\n  ${where}\n  ${' '.repeat(at)}^^^^^\n`,
    );
    const agg = await wideline(['query', '-s', API, '--agg', 'p99(http.route)']);
    expect(agg.stderr).toMatch(/p99\(http\.route\) needs a number field; http\.route is a string/);
    const sql = await wideline(['sql', '-s', API, 'SELECT colo2 FROM events']);
    expect(sql.code).toBe(2);
    expect(sql.stderr).toMatch(/Unknown expression identifier `colo2`/);
    const port = await closedPort();
    const down = await wideline(['query', '--jaeger', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(3);
    expect(down.stderr).toBe(
      `wideline: Jaeger is not reachable at http://127.0.0.1:${port} (ECONNREFUSED). Start the local stack with \`pnpm stack up\`, or point at another Jaeger with --jaeger <url> / WIDELINE_JAEGER_QUERY_URL.\n`,
    );
  });

  it('reads the same events from an OTLP/JSON file as from Jaeger', async () => {
    const file = join(dir, 'traces.jsonl');
    writeFileSync(file, `${[...otlpBatches(mine(API), 50)].map((b) => JSON.stringify(b)).join('\n')}\n`);
    const args = ['--by', 'colo', '--agg', 'events, count, p99', '--order', 'colo:asc', '--json'];
    const fromFile = await wideline(['query', '--file', file, ...args]);
    const fromJaeger = await wideline(['query', '-s', API, '--since', '15m', ...args]);
    expect(json<{ rows: unknown[] }>(fromFile.stdout).rows).toEqual(json<{ rows: unknown[] }>(fromJaeger.stdout).rows);
    // --until ends the window there: a 2-minute window four minutes before the end holds just the
    // events that started in it, from the file and from Jaeger alike.
    const end = Date.parse(until) - 4 * 60_000;
    const inWindow = mine(API).filter((e) => e.startMs >= end - 120_000 && e.startMs < end).length;
    expect(inWindow).toBeGreaterThan(10);
    const window = ['--since', '2m', '--until', new Date(end).toISOString(), '--agg', 'events', '--json'];
    for (const source of [
      ['--file', file],
      ['-s', API],
    ]) {
      const out = await wideline(['query', ...source, ...window]);
      const got = json<{ window: { to: string }; rows: Array<{ events: number }> }>(out.stdout);
      expect(got.rows, source.join(' ')).toEqual([{ events: inWindow }]);
      expect(Date.parse(got.window.to), source.join(' ')).toBe(end);
    }
  });

  /** The fields of each CSV record (RFC 4180: quoted fields may hold commas, quotes and line breaks). */
  function csvRecords(text: string): string[][] {
    const records: string[][] = [];
    let record: string[] = [];
    let field = '';
    let quoted = false;
    const endField = () => {
      record.push(field);
      field = '';
    };
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (quoted && c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = !quoted;
      else if (quoted || (c !== ',' && c !== '\n' && c !== '\r')) field += c;
      else if (c === ',') endField();
      else if (c === '\n') {
        endField();
        records.push(record);
        record = [];
      }
    }
    if (field !== '' || record.length > 0) records.push([...record, field]);
    return records;
  }

  const rulesFile = () => {
    const rules = join(dir, 'every-format.yaml');
    writeFileSync(
      rules,
      'rules:\n  - name: cart errors\n    severity: P2\n    when: error_rate >= 0%\n    for: 4m\n    every: 2m\n',
    );
    return rules;
  };
  const window = ['-s', API, '-s', WS, '--since', '15m'];
  it.each([
    ['query', () => ['query', ...window, '--by', 'colo'], 'rows'],
    ['events', () => ['events', ...window, '--where', 'colo = sin', '-n', '20'], 'events'],
    ['sql', () => ['sql', ...window, 'SELECT colo, count() AS n FROM events GROUP BY colo ORDER BY colo'], 'rows'],
    ['heatmap', () => ['heatmap', ...window], undefined],
    ['compare', () => ['compare', ...window, '--errors'], undefined],
    ['regress', () => ['regress', ...window, '--window', '3m', '--baseline', '10m', '--min-events', '5'], undefined],
    ['check', () => ['check', rulesFile(), ...window], undefined],
  ] as const)('%s prints --json, --csv and --html from the same events', async (verb, args, rowsKey) => {
    const ok = (code: number) => [0, 7, 10, 11, 12].includes(code); // regress and check exit by what they found
    const asJson = await wideline([...args(), '--json']);
    expect(ok(asJson.code), asJson.stderr).toBe(true);
    const data = json<Record<string, unknown>>(asJson.stdout);
    expect(Object.keys(data).length).toBeGreaterThan(0);
    const asCsv = await wideline([...args(), '--csv']);
    expect(ok(asCsv.code), asCsv.stderr).toBe(true);
    const [header, ...records] = csvRecords(asCsv.stdout.trim());
    expect(header!.length).toBeGreaterThan(1);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(r).toHaveLength(header!.length);
    if (rowsKey) expect(records).toHaveLength((data[rowsKey] as unknown[]).length);
    if (verb === 'events' || verb === 'sql') return; // these two print rows only: no page
    const page = join(dir, `${verb}.html`);
    const asHtml = await wideline([...args(), '--html', page]);
    expect(ok(asHtml.code), asHtml.stderr).toBe(true);
    expect(asHtml.stdout).toContain(`wrote ${page}`);
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b|\b(src|href)=/);
  });
});
