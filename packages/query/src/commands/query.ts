/**
 * `wideline query`: the query model on the command line — filter, group, aggregate, bucket, order,
 * top-k — printed as a table with a bar for the ordering metric, or as JSON / CSV / an HTML page.
 *
 * @module
 */
import { computeHeatmap } from '../analysis/heatmap.ts';
import { type QueryResult, runQuery } from '../analysis/run-query.ts';
import { parsePositiveInt } from '../format.ts';
import { type QuerySpec, querySpec, type TimeWindow } from '../model/query.ts';
import { htmlPage } from '../render/html.ts';
import { bar, textTable } from '../render/text-table.ts';
import { formatAggregate } from '../render/values.ts';
import { windowSql } from '../sql/compile.ts';
import { type CommandContext, heading, printCsv, printJson, rowObjects, writeHtml } from './output.ts';
import { describeWindow, type OpenSource, openSource, sourceArgs, windowOf } from './source.ts';

/** `wideline query [options]` */
export async function queryCommand(values: Record<string, unknown>, ctx: CommandContext): Promise<void> {
  const source = sourceArgs(values, ctx.env);
  const spec = querySpec({
    where: source.where,
    ...(typeof values.by === 'string' ? { by: values.by } : {}),
    ...(typeof values.agg === 'string' ? { agg: values.agg } : {}),
    ...(typeof values.every === 'string' ? { every: values.every } : {}),
    ...(typeof values.order === 'string' ? { order: values.order } : {}),
    ...(values.limit !== undefined ? { limit: parsePositiveInt(String(values.limit), 'limit') } : {}),
    ...(values.top !== undefined ? { top: parsePositiveInt(String(values.top), 'top') } : {}),
    weighted: source.weighted,
    spans: source.spans,
  });
  const sinceUs = source.sinceUs ?? 3600e6;
  const opened = await openSource(source, ctx.options, sinceUs);
  try {
    const window = windowOf(opened, source.sinceUs, 3600e6);
    const result = await runQuery(opened.engine, spec, window);
    const empty = result.rows.length === 0 ? await emptyReason(opened, spec, window) : undefined;
    await printQuery(ctx, opened, spec, result, describeWindow(window, source.sinceText, opened.live), empty);
    await writeHtml(ctx, async () => {
      const map = await computeHeatmap(opened.engine, spec, window, 72);
      return htmlPage({
        title: title(spec, describeWindow(window, source.sinceText, opened.live)),
        lines: [opened.origin, ...opened.notes, ...(empty ? [empty] : [])],
        heatmap: map,
        table: { header: result.columns.map((c) => c.name), rows: textRows(result) },
      });
    });
  } finally {
    await opened.engine.close();
  }
}

/** Why a query has no rows: the window is empty, or the filter matched nothing in it. */
export async function emptyReason(
  opened: OpenSource,
  spec: Pick<QuerySpec, 'where' | 'spans'>,
  window: TimeWindow,
): Promise<string> {
  const view = spec.spans ? 'spans' : 'events';
  const relation = await opened.engine.relation(view, window);
  const w = windowSql(relation.catalog, window);
  const counted = await opened.engine.run(`SELECT count() FROM ${relation.from}${w ? ` WHERE ${w}` : ''}`);
  const n = Number(counted.rows[0]?.[0] ?? 0);
  if (n === 0)
    return `no ${view === 'events' ? 'wide events' : 'spans'} in the window: nothing was recorded then, or the source holds none (check --since, --service, --file)`;
  return `${n} ${view === 'events' ? 'wide events' : 'spans'} in the window, none matching --where`;
}

function title(spec: QuerySpec, when: string): string {
  const what = spec.spans ? 'spans' : 'wide events';
  const by = spec.by.refs.length > 0 ? ` by ${spec.by.refs.map((r) => r.name).join(', ')}` : '';
  const every = spec.everySeconds !== undefined ? ` every ${seconds(spec.everySeconds)}` : '';
  const where = spec.where ? ` where ${spec.where.text}` : '';
  return `${what} ${when}${by}${every}${where}`;
}

/** Cells as text (aggregates formatted by kind). */
function textRows(result: QueryResult): string[][] {
  return result.rows.map((row) =>
    row.map((v, i) => {
      const c = result.columns[i]!;
      if (c.role === 'aggregate') return formatAggregate(c.aggregate!, v);
      if (c.role === 'time')
        return String(v)
          .replace('T', ' ')
          .replace(/\.0+Z$|Z$/, '');
      return String(v);
    }),
  );
}

async function printQuery(
  ctx: CommandContext,
  opened: OpenSource,
  spec: QuerySpec,
  result: QueryResult,
  when: string,
  empty: string | undefined,
): Promise<void> {
  const names = result.columns.map((c) => c.name);
  if (ctx.options.csv) return printCsv(ctx, names, result.rows);
  if (ctx.options.json)
    return printJson(ctx, {
      query: {
        where: spec.where?.text ?? null,
        by: spec.by.refs.map((r) => r.name),
        aggregates: spec.aggregates.list.map((a) => a.label),
        every: spec.everySeconds ?? null,
        top: spec.top ?? null,
      },
      window: result.window ? { from: iso(result.window.fromUs), to: iso(result.window.toUs) } : null,
      weighted: result.weighted,
      source: opened.origin,
      notes: opened.notes,
      ...(empty ? { empty } : {}),
      rows: rowObjects(names, result.rows),
    });
  const lines = heading(title(spec, when), opened, spec.weighted, ctx.style);
  if (empty) {
    ctx.out([...lines, '', empty]);
    return;
  }
  const metric = result.columns.findIndex((c) => (spec.order ? c.name === spec.order.key : c.role === 'aggregate'));
  const values = result.rows.map((r) => Number(r[metric]));
  const max = Math.max(0, ...values.filter(Number.isFinite));
  const showBar = metric >= 0 && result.columns[metric]!.role === 'aggregate' && max > 0;
  const rows = textRows(result).map((r, i) => (showBar ? [...r, bar(values[i]! / max, 20)] : r));
  const columns = [
    ...result.columns.map((c) => ({
      header: c.name,
      align: c.role === 'aggregate' ? ('right' as const) : ('left' as const),
    })),
    ...(showBar ? [{ header: '' }] : []),
  ];
  ctx.out([...lines, '', ...textTable(columns, rows, ctx.style)]);
}

/** 600 → `10m`, 90 → `90s`, 7200 → `2h`. */
function seconds(s: number): string {
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

const iso = (us: number) => new Date(Math.floor(us / 1000)).toISOString();
