/**
 * Quoting for ClickHouse SQL: identifiers in backticks, strings in single quotes, with backslash
 * escapes (ClickHouse's own rules). Every value the query model puts into SQL goes through here.
 *
 * @module
 */

/** `` `http.route` `` */
export function ident(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

/** `'it\'s'` */
export function str(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A finite number as a SQL literal (`NaN`/`±Infinity` are refused by the caller's validation). */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

/** A timestamp (µs since the epoch) as a `DateTime64(6, 'UTC')` expression. */
export function micros(us: number): string {
  return `fromUnixTimestamp64Micro(toInt64(${Math.round(us)}), 'UTC')`;
}
