/**
 * `wideline regress --window 1h --baseline 24h`: did the last hour get worse than the day before it?
 * Exit code 7 when any group regressed severely, for CI and deploy checks.
 *
 * @module
 */
import { type GroupRegression, type MetricChange, regress } from '../analysis/regress.ts';
import { formatDuration, parseDuration, parsePositiveInt } from '../format.ts';
import { querySpec } from '../model/query.ts';
import { htmlPage } from '../render/html.ts';
import { textTable } from '../render/text-table.ts';
import { formatNumber } from '../render/values.ts';
import type { Style } from '../style.ts';
import { type CommandContext, heading, printCsv, printJson, writeHtml } from './output.ts';
import { openSource, sourceArgs } from './source.ts';

/** The exit code of a severe regression. */
export const SEVERE_EXIT_CODE = 7;

function value(m: MetricChange, x: number): string {
  if (m.metric === 'throughput') return `${formatNumber(x)}/s`;
  if (m.metric === 'error_rate') return `${(x * 100).toFixed(2)} %`;
  return formatDuration(x * 1000);
}

function cell(m: MetricChange | undefined): string {
  if (!m) return '—';
  const pct = Number.isFinite(m.ratio) ? `${m.ratio >= 1 ? '+' : ''}${((m.ratio - 1) * 100).toFixed(0)} %` : 'new';
  return `${value(m, m.current)} (${pct})${m.flagged ? ` ${m.severity === 'severe' ? '✗✗' : m.severity === 'moderate' ? '✗' : '!'}` : ''}`;
}

/** `wideline regress [--window 1h] [--baseline 24h] [--by service,name] [--where …] [--min-events 10]` */
export async function regressCommand(values: Record<string, unknown>, ctx: CommandContext): Promise<number> {
  const source = sourceArgs(values, ctx.env);
  const windowText = typeof values.window === 'string' ? values.window : '1h';
  const baselineText = typeof values.baseline === 'string' ? values.baseline : '24h';
  const windowUs = parseDuration(windowText, 'window');
  const baselineUs = parseDuration(baselineText, 'baseline');
  const minEvents =
    values['min-events'] === undefined ? 10 : parsePositiveInt(String(values['min-events']), 'min-events');
  const spec = querySpec({
    where: source.where,
    by: typeof values.by === 'string' ? values.by : 'service, name',
    weighted: source.weighted,
    spans: source.spans,
  });
  const opened = await openSource(source, ctx.options, windowUs + baselineUs);
  try {
    const now = opened.nowUs;
    const windows = {
      current: { fromUs: now - windowUs, toUs: now },
      baseline: { fromUs: now - windowUs - baselineUs, toUs: now - windowUs },
    };
    const groups = await regress(opened.engine, spec, windows, minEvents);
    const severe = groups.some((g) => g.severity === 'severe');
    const names = spec.by.refs.map((r) => r.name);
    if (ctx.options.csv)
      printCsv(
        ctx,
        [...names, 'metric', 'baseline', 'current', 'ratio', 'flagged', 'severity'],
        groups.flatMap((g) =>
          g.metrics.map((m) => [
            ...g.key,
            m.metric,
            m.baseline,
            m.current,
            Number.isFinite(m.ratio) ? m.ratio : 'Infinity',
            m.flagged,
            m.severity ?? '',
          ]),
        ),
      );
    else if (ctx.options.json)
      printJson(ctx, {
        window: windowText,
        baseline: baselineText,
        windows: { current: iso(windows.current), baseline: iso(windows.baseline) },
        minEvents,
        weighted: spec.weighted,
        source: opened.origin,
        notes: opened.notes,
        severe,
        groups: groups.map((g) => ({
          ...g,
          key: Object.fromEntries(names.map((n, i) => [n, g.key[i]])),
          metrics: g.metrics.map((m) => ({ ...m, ratio: Number.isFinite(m.ratio) ? m.ratio : null })),
        })),
      });
    else
      ctx.out([
        ...heading(
          `regressions: the last ${windowText} against the ${baselineText} before it, by ${names.join(', ')}`,
          opened,
          spec.weighted,
          ctx.style,
        ),
        '',
        ...render(groups, names, minEvents, ctx.style),
      ]);
    await writeHtml(ctx, () =>
      htmlPage({
        title: `regressions: last ${windowText} vs the ${baselineText} before`,
        lines: [opened.origin, ...opened.notes],
        table: { header: [...names, 'throughput', 'p50', 'p95', 'p99', 'error rate', 'severity'], rows: rows(groups) },
      }),
    );
    return severe ? SEVERE_EXIT_CODE : 0;
  } finally {
    await opened.engine.close();
  }
}

const iso = (t: { fromUs: number; toUs: number }) => ({
  from: new Date(t.fromUs / 1000).toISOString(),
  to: new Date(t.toUs / 1000).toISOString(),
});

function rows(groups: GroupRegression[]): string[][] {
  const get = (g: GroupRegression, m: string) => g.metrics.find((x) => x.metric === m);
  return groups.map((g) => [
    ...g.key,
    cell(get(g, 'throughput')),
    cell(get(g, 'p50')),
    cell(get(g, 'p95')),
    cell(get(g, 'p99')),
    cell(get(g, 'error_rate')),
    g.severity ?? (g.enough ? 'ok' : `too few events (${g.events.baseline} → ${g.events.current})`),
  ]);
}

function render(groups: GroupRegression[], names: string[], minEvents: number, style: Style): string[] {
  if (groups.length === 0) return ['no events in either window'];
  const flagged = groups.filter((g) => g.severity);
  const summary =
    flagged.length === 0
      ? `no regressions in ${groups.length} groups`
      : `${flagged.length} of ${groups.length} groups regressed (${flagged.filter((g) => g.severity === 'severe').length} severe)`;
  const columns = [...names, 'THROUGHPUT', 'P50', 'P95', 'P99', 'ERROR RATE', 'SEVERITY'].map((header) => ({ header }));
  return [
    summary,
    `thresholds: throughput < 0.95× · p50, p95 > 1.10× · p99 > 1.15× · error rate > 1.5× the baseline; severity by the change: minor < 20 %, moderate 20–50 %, severe > 50 % (! minor, ✗ moderate, ✗✗ severe); groups need ${minEvents} events in each window`,
    '',
    ...textTable(columns, rows(groups), style),
  ];
}
