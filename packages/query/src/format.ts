/**
 * Parsing and printing of the CLI's values: durations (`15m`, `1.2 ms`), `key=value` filters and
 * percentile lists.
 *
 * @module
 */
import { UsageError } from './errors.ts';
import { type AttributeValue, attributeOf, type Span } from './span.ts';

const UNIT_US: Record<string, number> = { us: 1, µs: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6, d: 86400e6 };

/** `15m`, `90s`, `1h30m`, `2d` → microseconds. Throws {@link UsageError} naming the option. */
export function parseDuration(text: string, option: string): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h|d)/g)];
  const joined = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || joined.replace(/\s/g, '') !== text.trim().replace(/\s/g, ''))
    throw new UsageError(`--${option} "${text}" is not a duration: use e.g. 30s, 15m, 2h, 1d or 1h30m`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_US[p[2]!]!, 0);
}

/**
 * An instant: an ISO 8601 time with a zone (`2026-12-01T21:20:00Z`, `2026-12-01 21:20:00+01:00`) or
 * milliseconds since the epoch → microseconds. Throws {@link UsageError} naming the option.
 */
export function parseInstant(text: string, option: string): number {
  const t = text.trim();
  const ms = /^\d{12,}$/.test(t) ? Number(t) : /(Z|[+-]\d\d:?\d\d)$/i.test(t) ? Date.parse(t) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new UsageError(
      `--${option} "${text}" is not a time: use an ISO 8601 time with its zone (2026-12-01T21:20:00Z) or milliseconds since 1970`,
    );
  return ms * 1000;
}

/** Microseconds → `812 µs`, `12.3 ms`, `1.24 s`, `2m 05s`. */
export function formatDuration(us: number): string {
  if (!Number.isFinite(us)) return '—';
  const abs = Math.abs(us);
  if (abs < 1000) return `${Math.round(us)} µs`;
  if (abs < 1e6) return `${(us / 1000).toFixed(abs < 1e4 ? 2 : abs < 1e5 ? 1 : 0)} ms`;
  if (abs < 60e6) return `${(us / 1e6).toFixed(2)} s`;
  const total = Math.round(abs / 1e6);
  const m = Math.floor(total / 60);
  const s = total - m * 60;
  return `${us < 0 ? '-' : ''}${m}m ${String(s).padStart(2, '0')}s`;
}

/** One `--where` condition. */
export interface WhereClause {
  key: string;
  op: '=' | '!=';
  value: string;
}

/** `key=value` or `key!=value`. Values compare as text, so `http.status_code=500` matches the number. */
export function parseWhere(text: string): WhereClause {
  const m = /^([^=!\s][^=!]*?)\s*(!=|=)\s*(.*)$/.exec(text);
  if (!m) throw new UsageError(`--where "${text}" is not a condition: use key=value or key!=value`);
  return { key: m[1]!, op: m[2] as '=' | '!=', value: m[3]! };
}

/** Attribute value as text for comparisons and grouping (`undefined` when absent). */
export function valueText(value: AttributeValue): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? JSON.stringify(value) : String(value);
}

/** True when the span (or its resource) satisfies every clause. A missing key matches only `!=`. */
export function matchesWhere(span: Span, clauses: readonly WhereClause[]): boolean {
  for (const c of clauses) {
    const actual = valueText(attributeOf(span, c.key) ?? pseudoField(span, c.key));
    if (c.op === '=' ? actual !== c.value : actual === c.value) return false;
  }
  return true;
}

/** Fields that are not attributes but people filter and group by: `name`, `status`, `kind`, `service`. */
export function pseudoField(span: Span, key: string): string | undefined {
  if (key === 'name') return span.name;
  if (key === 'status') return span.status.code;
  if (key === 'kind') return span.kind;
  if (key === 'service') return span.service;
  return undefined;
}

/** `50,95,99` → `[50, 95, 99]`; each in (0, 100]. */
export function parsePercentiles(text: string): number[] {
  const list = text.split(',').map((p) => p.trim().replace(/^p/i, ''));
  const values = list.map(Number);
  if (list.length === 0 || values.some((v, i) => list[i] === '' || !Number.isFinite(v) || v <= 0 || v > 100))
    throw new UsageError(`--percentiles "${text}" must be numbers in (0, 100] separated by commas, e.g. 50,95,99`);
  return values;
}

/** A positive integer option. */
export function parsePositiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${option} "${text}" must be a positive whole number`);
  return n;
}
