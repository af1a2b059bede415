/**
 * What every model command prints: a heading (what was asked, where the data came from, how it is
 * weighted, what was truncated), then its rows as a text table, `--json` or `--csv`; `--html` also
 * writes a page.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import type { GlobalOptions } from '../args.ts';
import { toCsv } from '../render/csv.ts';
import { createStyle, type Style } from '../style.ts';
import type { OpenSource } from './source.ts';

/** Writes lines to stdout. */
export type Out = (lines: string[]) => void;

/** The context a model command runs in. */
export interface CommandContext {
  options: GlobalOptions;
  out: Out;
  env: Record<string, string | undefined>;
  style: Style;
}

/** A context for `options`. */
export function commandContext(
  options: GlobalOptions,
  out: Out,
  env: Record<string, string | undefined>,
): CommandContext {
  return { options, out, env, style: createStyle(options.color) };
}

/** The sentence that says how the numbers are weighted. */
export function weightingNote(weighted: boolean): string {
  return weighted
    ? 'weighted: each event counts as its wideline.sample_rate events (1 when absent) in count, errors, rates, sums, averages and percentiles; events, min, max and distinct are not weighted'
    : 'unweighted (--unweighted): each stored event counts once';
}

/** Heading lines: the title, where the data came from, notes (truncation), the weighting. */
export function heading(title: string, source: OpenSource, weighted: boolean | undefined, style: Style): string[] {
  return [
    title,
    style.dim(source.origin),
    ...source.notes.map((n) => style.yellow(`⚠ ${n}`)),
    ...(weighted === undefined ? [] : [style.dim(weightingNote(weighted))]),
  ];
}

/** Prints rows as CSV. */
export function printCsv(ctx: CommandContext, header: readonly string[], rows: readonly (readonly unknown[])[]): void {
  ctx.out([toCsv(header, rows).replace(/\r\n$/, '')]);
}

/** Prints a JSON document. */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.out([JSON.stringify(value, null, 2)]);
}

/** Writes the `--html` page when asked, and says where. */
export async function writeHtml(ctx: CommandContext, html: () => string | Promise<string>): Promise<void> {
  if (!ctx.options.html) return;
  await writeFile(ctx.options.html, await html());
  if (!ctx.options.json && !ctx.options.csv) ctx.out([ctx.style.dim(`wrote ${ctx.options.html}`)]);
}

/** Rows as objects keyed by column name, for `--json`. */
export function rowObjects(names: readonly string[], rows: readonly (readonly unknown[])[]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? null])));
}
