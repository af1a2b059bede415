/**
 * `wideline find`: traces with a span of the service that matches `--where` (the full filter
 * language), most recent first, summarised from the `spans` view in one query.
 *
 * @module
 */
import type { Command } from '../args.ts';
import type { TraceSummary } from '../find.ts';
import { formatDuration } from '../format.ts';
import { allOf, parseWhereFilter } from '../model/filter.ts';
import { textTable } from '../render/text-table.ts';
import { filterSql } from '../sql/filter-sql.ts';
import { micros, str } from '../sql/quote.ts';
import { type CommandContext, printCsv, printJson } from './output.ts';
import { openServiceSource, scannedTraces } from './source.ts';

/** `wideline find --service S [--since 15m] [--where …] [--errors] [--limit 20]` */
export async function findCommand(command: Extract<Command, { name: 'find' }>, ctx: CommandContext): Promise<void> {
  const filter = allOf(command.where.map((w) => parseWhereFilter(w)));
  const whereText = command.where.join(' and ');
  const { opened, window } = await openServiceSource(command, ctx.env, ctx.options);
  try {
    const relation = await opened.engine.relation('spans', window);
    const matching = [
      `service = ${str(command.service)}`,
      `start_time >= ${micros(window.fromUs)}`,
      `start_time < ${micros(window.toUs)}`,
    ];
    if (filter) matching.push(filterSql(filter, relation.catalog, { context: '--where', text: whereText }));
    const endUs = 'toUnixTimestamp64Micro(start_time) + toInt64(round(duration_ms * 1000))';
    const sql = `SELECT trace_id, argMin(service, (parent_span_id != '', start_time)), argMin(name, (parent_span_id != '', start_time)),
      min(toUnixTimestamp64Micro(start_time)) AS start_us, max(${endUs}) - start_us, count(), countIf(status = 'ERROR') AS errors,
      arrayDistinct(arrayMap(x -> x.2, arraySort(groupArray(tuple(start_time, service)))))
      FROM ${relation.from} WHERE trace_id IN (SELECT trace_id FROM ${relation.from} WHERE ${matching.join(' AND ')})
      GROUP BY trace_id ${command.errorsOnly ? 'HAVING errors > 0' : ''} ORDER BY start_us DESC LIMIT ${command.limit}`;
    const found: TraceSummary[] = (await opened.engine.run(sql)).rows.map((r) => ({
      traceId: String(r[0]),
      rootService: String(r[1]),
      rootName: String(r[2]),
      startUs: Number(r[3]),
      durationUs: Number(r[4]),
      spans: Number(r[5]),
      errors: Number(r[6]),
      services: r[7] as string[],
    }));
    const scanned = opened.scan ? scannedTraces(opened.scan) : undefined;
    if (ctx.options.csv)
      return printCsv(
        ctx,
        ['trace_id', 'started', 'duration_us', 'spans', 'errors', 'root_service', 'root_name'],
        found.map((t) => [
          t.traceId,
          new Date(t.startUs / 1000).toISOString(),
          t.durationUs,
          t.spans,
          t.errors,
          t.rootService,
          t.rootName,
        ]),
      );
    if (ctx.options.json) return printJson(ctx, found);
    const head = `${found.length} trace${found.length === 1 ? '' : 's'} of ${command.service} in the last ${command.since}${command.where.length > 0 ? ` matching ${whereText}` : ''}${command.errorsOnly ? ' with errors' : ''}${scanned === undefined ? '' : ` (${scanned} scanned)`}`;
    const lines = [head, ...opened.notes.map((n) => ctx.style.yellow(`⚠ ${n}`))];
    if (found.length === 0) return ctx.out(lines);
    const rows = found.map((t) => [
      t.traceId,
      new Date(t.startUs / 1000).toISOString().replace('T', ' ').slice(0, 23),
      formatDuration(t.durationUs),
      String(t.spans),
      t.errors > 0 ? `✗ ${t.errors}` : '-',
      `${t.rootService}: ${t.rootName}`,
    ]);
    const columns = ['TRACE ID', 'STARTED', 'DURATION', 'SPANS', 'ERRORS', 'ROOT'].map((header) => ({ header }));
    ctx.out([...lines, '', ...textTable(columns, rows, ctx.style)]);
  } finally {
    await opened.engine.close();
  }
}
