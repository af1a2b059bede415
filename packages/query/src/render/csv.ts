/**
 * CSV (RFC 4180): a header line, then one line per row; fields with commas, quotes or line breaks are
 * quoted, and quotes doubled.
 *
 * @module
 */

function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text for `rows` under `header`, ending with a line break. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `${[header, ...rows].map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}
