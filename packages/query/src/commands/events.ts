/**
 * `wideline events`: the wide events matching a filter, newest first — "all WebSocket sessions where
 * hashMismatchCount > 0 and colo = 'ewr'" — with the fields asked for.
 *
 * @module
 */

import { UsageError } from '../errors.ts';
import { formatDuration, parsePositiveInt } from '../format.ts';
import { FIXED_FIELDS } from '../model/fields.ts';
import { parseFieldList, querySpec } from '../model/query.ts';
import { textTable } from '../render/text-table.ts';
import { formatNumber } from '../render/values.ts';
import { conditionsSql } from '../sql/compile.ts';
import { type CommandContext, heading, printCsv, printJson, rowObjects } from './output.ts';
import { emptyReason } from './query.ts';
import { describeWindow, openSource, sourceArgs, windowOf } from './source.ts';

const DEFAULT_FIELDS = 'start_time, trace_id, service, name, status, duration_ms';

/** `wideline events [--where …] [--fields a,b] [--order start_time:desc] [--limit 20]` */
export async function eventsCommand(values: Record<string, unknown>, ctx: CommandContext): Promise<void> {
  const source = sourceArgs(values, ctx.env);
  const spec = querySpec({ where: source.where, agg: 'events', spans: source.spans });
  const fieldsText = typeof values.fields === 'string' ? values.fields : DEFAULT_FIELDS;
  const refs = parseFieldList(fieldsText, '--fields');
  const limit = values.limit === undefined ? 20 : parsePositiveInt(String(values.limit), 'limit');
  const orderText = typeof values.order === 'string' ? values.order : 'start_time:desc';
  const order = /^\s*([^:\s]+)\s*(?::\s*(asc|desc))?\s*$/i.exec(orderText);
  if (!order) throw new UsageError(`--order "${orderText}" must be a field, optionally with :asc or :desc`);
  const opened = await openSource(source, ctx.options, source.sinceUs ?? 3600e6);
  try {
    const window = windowOf(opened, source.sinceUs, 3600e6);
    const relation = await opened.engine.relation(spec.spans ? 'spans' : 'events', window);
    const fields = refs.map((r) => relation.catalog.resolve(r, '--fields', fieldsText));
    const orderField = relation.catalog.resolve(
      { name: order[1]!, start: 0, end: order[1]!.length },
      '--order',
      orderText,
    );
    const where = conditionsSql(spec, relation);
    const sql = `SELECT ${fields.map((f, i) => `${f.sql} AS c${i}`).join(', ')} FROM ${relation.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${orderField.sql} ${order[2]?.toLowerCase() === 'asc' ? 'ASC' : 'DESC'} LIMIT ${limit}`;
    const result = await opened.engine.run(sql);
    const names = fields.map((f) => f.name);
    if (ctx.options.csv) return printCsv(ctx, names, result.rows);
    const empty = result.rows.length === 0 ? await emptyReason(opened, spec, window) : undefined;
    if (ctx.options.json)
      return printJson(ctx, {
        source: opened.origin,
        notes: opened.notes,
        ...(empty ? { empty } : {}),
        events: rowObjects(names, result.rows),
      });
    const when = describeWindow(window, source.sinceText, opened.live);
    const title = `${result.rows.length} ${spec.spans ? 'span' : 'wide event'}${result.rows.length === 1 ? '' : 's'} ${when}${spec.where ? ` where ${spec.where.text}` : ''}, ${order[2]?.toLowerCase() === 'asc' ? 'oldest' : 'newest'} first by ${orderField.name}`;
    const lines = heading(title, opened, undefined, ctx.style);
    if (empty) return ctx.out([...lines, '', empty]);
    const rows = result.rows.map((r) =>
      r.map((v, i) => {
        const f = fields[i]!;
        if (v === null) return '—';
        if (f.name === 'duration_ms') return formatDuration(Number(v) * 1000);
        if (f.type === 'time')
          return String(v)
            .replace('T', ' ')
            .replace(/(\.\d{3})\d*Z$/, '$1');
        return f.type === 'number' ? formatNumber(v) : String(v);
      }),
    );
    const fixed = new Set(FIXED_FIELDS.map((f) => f.name));
    ctx.out([
      ...lines,
      '',
      ...textTable(
        fields.map((f) => ({
          header: fixed.has(f.name) ? f.name.toUpperCase() : f.name,
          align: f.type === 'number' ? 'right' : 'left',
        })),
        rows,
        ctx.style,
      ),
    ]);
  } finally {
    await opened.engine.close();
  }
}
