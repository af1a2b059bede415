/**
 * `wideline compare`: BubbleUp in the terminal — a selection (`--selection <filter>`, `--slowest 5%`
 * or `--errors`) against the rest of the events in scope, field by field, as paired bars.
 *
 * @module
 */
import { type Comparison, compareSelection, type Selection } from '../analysis/compare.ts';
import { computeHeatmap } from '../analysis/heatmap.ts';
import { UsageError } from '../errors.ts';
import { parsePositiveInt } from '../format.ts';
import { parseWhereFilter } from '../model/filter.ts';
import { parseFieldList, querySpec } from '../model/query.ts';
import { htmlPage } from '../render/html.ts';
import { bar } from '../render/text-table.ts';
import { formatNumber } from '../render/values.ts';
import type { Style } from '../style.ts';
import { type CommandContext, heading, printCsv, printJson, writeHtml } from './output.ts';
import { describeWindow, openSource, sourceArgs, windowOf } from './source.ts';

/** Reads `--selection`, `--slowest` or `--errors` (exactly one). */
export function parseSelection(values: Record<string, unknown>): Selection {
  const given = [
    typeof values.selection === 'string',
    typeof values.slowest === 'string',
    values.errors === true,
  ].filter(Boolean).length;
  if (given !== 1)
    throw new UsageError('wideline compare needs one selection: --selection "<filter>", --slowest 5% or --errors');
  if (typeof values.selection === 'string')
    return { kind: 'filter', filter: parseWhereFilter(values.selection, '--selection'), text: values.selection };
  if (typeof values.slowest === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(values.slowest);
    const fraction = m ? Number(m[1]) / 100 : Number.NaN;
    if (!(fraction > 0 && fraction < 1))
      throw new UsageError(`--slowest "${values.slowest}" must be a percentage between 0 and 100, e.g. 5%`);
    return { kind: 'slowest', fraction };
  }
  return { kind: 'errors' };
}

/** `wideline compare (--selection F | --slowest P | --errors) [--where scope] [--fields a,b]` */
export async function compareCommand(values: Record<string, unknown>, ctx: CommandContext): Promise<void> {
  const source = sourceArgs(values, ctx.env);
  const selection = parseSelection(values);
  const scope = querySpec({ where: source.where, weighted: source.weighted, spans: source.spans });
  const fieldsText = typeof values.fields === 'string' ? values.fields : undefined;
  const fields = fieldsText ? parseFieldList(fieldsText, '--fields').map((r) => r.name) : undefined;
  const maxFields = values.limit === undefined ? 10 : parsePositiveInt(String(values.limit), 'limit');
  const opened = await openSource(source, ctx.options, source.sinceUs ?? 3600e6);
  try {
    const window = windowOf(opened, source.sinceUs, 3600e6);
    const result = await compareSelection(opened.engine, scope, selection, window, {
      ...(fields ? { fields } : {}),
      maxFields,
    });
    const when = describeWindow(window, source.sinceText, opened.live);
    const title = `what is different about ${result.selection.description}, ${when}${scope.where ? ` (of events where ${scope.where.text})` : ''}`;
    if (ctx.options.csv)
      printCsv(
        ctx,
        ['field', 'value', 'selection_share', 'baseline_share', 'difference'],
        result.fields.flatMap((f) => f.values.map((v) => [f.field, v.value, v.selection, v.baseline, v.difference])),
      );
    else if (ctx.options.json)
      printJson(ctx, {
        window: { from: new Date(window.fromUs / 1000).toISOString(), to: new Date(window.toUs / 1000).toISOString() },
        weighted: scope.weighted,
        source: opened.origin,
        notes: opened.notes,
        ...result,
      });
    else ctx.out([...heading(title, opened, scope.weighted, ctx.style), '', ...renderComparison(result, ctx.style)]);
    await writeHtml(ctx, async () =>
      htmlPage({
        title,
        lines: [opened.origin, ...opened.notes, summary(result)],
        heatmap: await computeHeatmap(opened.engine, scope, window, 72),
        compare: result.fields.map((f) => ({ field: f.field, values: f.values })),
      }),
    );
  } finally {
    await opened.engine.close();
  }
}

function summary(result: Comparison): string {
  const sel = result.selection;
  return `selection: ${formatNumber(sel.weighted, 1)} events (${sel.events} stored) · baseline: ${formatNumber(result.baseline.weighted, 1)} events (${result.baseline.events} stored)`;
}

/** Paired bars per field: the selection's share (█) over the baseline's (░). */
export function renderComparison(result: Comparison, style: Style): string[] {
  const lines = [summary(result)];
  if (result.selection.events === 0) return [...lines, '', 'the selection is empty: no events match it in the window'];
  if (result.baseline.events === 0)
    return [...lines, '', 'the baseline is empty: every event in scope is in the selection'];
  if (result.fields.length === 0)
    return [...lines, '', 'no value is more common in the selection than in the baseline'];
  const width = Math.max(...result.fields.flatMap((f) => f.values.map((v) => [...v.value].length)), 8);
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
  for (const f of result.fields) {
    lines.push('', `${style.bold(f.field)}  ${style.dim(`+${(f.score * 100).toFixed(1)} points`)}`);
    for (const v of f.values) {
      const name = v.value.length > 40 ? `${v.value.slice(0, 39)}…` : v.value;
      lines.push(
        `  ${name.padEnd(Math.min(width, 40))}  ${style.red(bar(v.selection, 30).padEnd(30))} ${pct(v.selection)}  selection`,
      );
      lines.push(
        `  ${' '.repeat(Math.min(width, 40))}  ${style.dim(bar(v.baseline, 30).replace(/█/g, '░').padEnd(30))} ${pct(v.baseline)}  baseline`,
      );
    }
  }
  return lines;
}
