/**
 * `wideline heatmap`: duration × time of the wide events a filter selects, in the terminal (and, with
 * `--html`, as a page).
 *
 * @module
 */
import { computeHeatmap } from '../analysis/heatmap.ts';
import { parseDuration } from '../format.ts';
import { querySpec } from '../model/query.ts';
import { renderHeatmap } from '../render/heatmap.ts';
import { htmlPage } from '../render/html.ts';
import { type CommandContext, heading, printCsv, printJson, writeHtml } from './output.ts';
import { describeWindow, openSource, sourceArgs, windowOf } from './source.ts';

/** `wideline heatmap [--where …] [--since 1h] [--every 1m]` */
export async function heatmapCommand(values: Record<string, unknown>, ctx: CommandContext): Promise<void> {
  const source = sourceArgs(values, ctx.env);
  const spec = querySpec({ where: source.where, weighted: source.weighted, spans: source.spans });
  const opened = await openSource(source, ctx.options, source.sinceUs ?? 3600e6);
  try {
    const window = windowOf(opened, source.sinceUs, 3600e6);
    const width = Math.max(20, Math.min(ctx.options.width - 14, 120));
    const columns =
      typeof values.every === 'string'
        ? Math.max(1, Math.ceil((window.toUs - window.fromUs) / parseDuration(values.every, 'every')))
        : width;
    const map = await computeHeatmap(opened.engine, spec, window, columns);
    const when = describeWindow(window, source.sinceText, opened.live);
    const title = `duration × time of ${spec.spans ? 'spans' : 'wide events'} ${when}${spec.where ? ` where ${spec.where.text}` : ''}`;
    const cells = map.rowsMs.flatMap((ms, r) =>
      map.cells[r]!.flatMap((w, c) =>
        w > 0 ? [[new Date(Math.floor((window.fromUs + c * map.stepUs) / 1000)).toISOString(), ms, w]] : [],
      ),
    );
    if (ctx.options.csv) printCsv(ctx, ['time', 'duration_ms_from', 'events'], cells);
    else if (ctx.options.json)
      printJson(ctx, {
        window: { from: new Date(window.fromUs / 1000).toISOString(), to: new Date(window.toUs / 1000).toISOString() },
        stepSeconds: map.stepUs / 1e6,
        weighted: spec.weighted,
        source: opened.origin,
        notes: opened.notes,
        total: map.total,
        cells: cells.map(([time, durationMsFrom, events]) => ({ time, durationMsFrom, events })),
      });
    else
      ctx.out([
        ...heading(title, opened, spec.weighted, ctx.style),
        '',
        ...renderHeatmap(map, { color: ctx.style.enabled }),
      ]);
    await writeHtml(ctx, () => htmlPage({ title, lines: [opened.origin, ...opened.notes], heatmap: map }));
  } finally {
    await opened.engine.close();
  }
}
