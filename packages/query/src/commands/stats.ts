/**
 * `wideline stats`: counts and weighted latency percentiles of one service's wide events, grouped by
 * one field — the query model with a fixed shape (`query --where "service = S" --by F --agg
 * events,count,errors,p50,p95,p99`), printed as it always was.
 *
 * @module
 */

import { runQuery } from '../analysis/run-query.ts';
import type { Command } from '../args.ts';
import { formatDuration } from '../format.ts';
import { querySpec } from '../model/query.ts';
import { textTable } from '../render/text-table.ts';
import { str } from '../sql/quote.ts';
import type { StatsGroup } from '../stats.ts';
import { type CommandContext, printCsv, printJson } from './output.ts';
import { openServiceSource, scannedTraces } from './source.ts';

/** `wideline stats --service S [--by F] [--percentiles …] [--since 1h] [--where …]` */
export async function statsCommand(command: Extract<Command, { name: 'stats' }>, ctx: CommandContext): Promise<void> {
  const percentiles = command.percentiles.map((p) => `p${p}`);
  const spec = querySpec({
    where: [`service = ${str(command.service)}`, ...command.where],
    ...(command.by ? { by: quoteField(command.by) } : {}),
    agg: ['events', 'count', 'errors', ...percentiles].join(', '),
    order: 'count',
  });
  const { opened, window } = await openServiceSource(command, ctx.env, ctx.options);
  try {
    const result = await runQuery(opened.engine, spec, window);
    const g = command.by ? 1 : 0;
    const groups: StatsGroup[] = result.rows
      .map((row) => ({
        key: command.by ? String(row[0]) : 'all',
        count: Number(row[g]),
        weightedCount: Number(row[g + 1]),
        weightedErrors: Number(row[g + 2]),
        percentiles: Object.fromEntries(
          percentiles.map((p, i) => [p, Math.round(Number(row[g + 3 + i]) * 1000 * 1000) / 1000]),
        ),
      }))
      .sort((a, b) => b.weightedCount - a.weightedCount || a.key.localeCompare(b.key));
    const traces = opened.scan
      ? scannedTraces(opened.scan)
      : Number(
          (await opened.engine.run(`SELECT uniqExact(trace_id) FROM spans WHERE service = ${str(command.service)}`))
            .rows[0]?.[0] ?? 0,
        );
    if (ctx.options.csv)
      return printCsv(
        ctx,
        [command.by ?? 'group', 'events', 'weighted', 'errors', ...percentiles.map((p) => `${p}_us`)],
        groups.map((x) => [
          x.key,
          x.count,
          x.weightedCount,
          x.weightedErrors,
          ...percentiles.map((p) => x.percentiles[p]),
        ]),
      );
    if (ctx.options.json)
      return printJson(ctx, { service: command.service, by: command.by ?? null, traces, notes: opened.notes, groups });
    const events = groups.reduce((s, x) => s + x.count, 0);
    const head = `${command.service} wide events in the last ${command.since}${command.by ? ` by ${command.by}` : ''}: ${events} events from ${traces} traces`;
    const lines = [head, ...opened.notes.map((n) => ctx.style.yellow(`⚠ ${n}`))];
    if (groups.length === 0) return ctx.out(lines);
    const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
    const rows = groups.map((x) => [
      x.key,
      String(x.count),
      num(x.weightedCount),
      num(x.weightedErrors),
      ...percentiles.map((p) => formatDuration(x.percentiles[p]!)),
    ]);
    const columns = [
      command.by ?? 'group',
      'EVENTS',
      'WEIGHTED',
      'ERRORS',
      ...percentiles.map((p) => p.toUpperCase()),
    ].map((header) => ({ header }));
    ctx.out([
      ...lines,
      ctx.style.dim(
        'weighted = events the sampled ones stand for (sum of wideline.sample_rate); percentiles weighted the same way',
      ),
      '',
      ...textTable(columns, rows, ctx.style),
    ]);
  } finally {
    await opened.engine.close();
  }
}

/** A `--by` name as one quoted field (so names with spaces or commas stay one field). */
function quoteField(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
