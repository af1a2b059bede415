/**
 * `wideline sql "<SELECT …>"`: ClickHouse SQL over two read-only views, `events` (one row per wide
 * event) and `spans` (every span), each with the fixed columns and one column per attribute. Only a
 * single SELECT (or WITH … SELECT) is accepted.
 *
 * @module
 */
import { UsageError } from '../errors.ts';
import { textTable } from '../render/text-table.ts';
import { formatNumber } from '../render/values.ts';
import { type CommandContext, heading, printCsv, printJson, rowObjects } from './output.ts';
import { describeWindow, openSource, sourceArgs, windowOf } from './source.ts';

/** `wideline sql <query> [options]` */
export async function sqlCommand(
  values: Record<string, unknown>,
  positionals: string[],
  ctx: CommandContext,
): Promise<void> {
  if (positionals.length !== 1)
    throw new UsageError(
      `wideline sql takes one query in quotes, e.g. wideline sql "SELECT service, count() FROM events GROUP BY service" (got ${positionals.length} arguments)`,
    );
  const text = positionals[0]!;
  const source = sourceArgs(values, ctx.env);
  const opened = await openSource(source, ctx.options, source.sinceUs ?? 3600e6);
  try {
    const window = windowOf(opened, source.sinceUs, 3600e6);
    const result = await opened.engine.userSql(text, window);
    const names = result.columns.map((c) => c.name);
    if (ctx.options.csv) return printCsv(ctx, names, result.rows);
    if (ctx.options.json)
      return printJson(ctx, {
        columns: result.columns,
        rows: rowObjects(names, result.rows),
        source: opened.origin,
        notes: opened.notes,
      });
    const lines = heading(
      `${result.rows.length} row${result.rows.length === 1 ? '' : 's'} ${describeWindow(window, source.sinceText, opened.live)}`,
      opened,
      undefined,
      ctx.style,
    );
    const numeric = result.columns.map((c) => /Int|Float|Decimal/.test(c.type));
    const rows = result.rows.map((r) =>
      r.map((v, i) =>
        numeric[i] ? formatNumber(v, 3) : v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v),
      ),
    );
    ctx.out([
      ...lines,
      '',
      ...textTable(
        result.columns.map((c, i) => ({ header: c.name, align: numeric[i] ? 'right' : 'left' })),
        rows,
        ctx.style,
      ),
    ]);
  } finally {
    await opened.engine.close();
  }
}
