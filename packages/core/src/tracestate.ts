/**
 * W3C `tracestate`: parsed strictly (an invalid or duplicated member discards the whole header, as
 * the Recommendation requires), bounded on the way out (512 characters, 32 members).
 *
 * @module
 */
import type { TraceState } from '@opentelemetry/api';
import type { HeaderValue } from './traceparent';

const MAX_MEMBERS = 32;
const MAX_LENGTH = 512;
const MAX_MEMBER_LENGTH_WHEN_TRUNCATING = 128;
const KEY_RE = /^(?:[a-z][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})$/;
// 1-256 printable characters other than ',' and '=', not ending in a space.
const VALUE_RE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const OWS_RE = /^[ \t]+|[ \t]+$/g;

/**
 * An immutable `tracestate` that implements OpenTelemetry's {@link TraceState}. Members keep the
 * order of the header; `set` moves a key to the front, as vendors updating their entry must.
 */
export class W3CTraceState implements TraceState {
  readonly #members: ReadonlyArray<readonly [string, string]>;

  constructor(members: ReadonlyArray<readonly [string, string]> = []) {
    this.#members = members;
  }

  get(key: string): string | undefined {
    return this.#members.find(([k]) => k === key)?.[1];
  }

  set(key: string, value: string): W3CTraceState {
    if (!KEY_RE.test(key) || !VALUE_RE.test(value)) return this;
    const rest = this.#members.filter(([k]) => k !== key);
    const first: readonly [string, string] = [key, value];
    return new W3CTraceState([first, ...rest].slice(0, MAX_MEMBERS));
  }

  unset(key: string): W3CTraceState {
    return new W3CTraceState(this.#members.filter(([k]) => k !== key));
  }

  /** The header value, truncated to 512 characters by dropping long members first, then the last. */
  serialize(): string {
    let members = this.#members.map(([k, v]) => `${k}=${v}`);
    let length = members.join(',').length;
    while (length > MAX_LENGTH) {
      const longIndex = members.findIndex((m) => m.length > MAX_MEMBER_LENGTH_WHEN_TRUNCATING);
      const index = longIndex >= 0 ? longIndex : members.length - 1;
      members = members.filter((_, i) => i !== index);
      length = members.join(',').length;
    }
    return members.join(',');
  }
}

/**
 * Parses `tracestate` header(s). Several headers are joined with commas, as HTTP allows. Returns
 * `undefined` when the value is invalid (bad key or value, duplicate key, more than 32 members), so
 * that the caller propagates no tracestate at all rather than a corrupted one.
 */
export function parseTracestate(header: HeaderValue): W3CTraceState | undefined {
  if (header === null || header === undefined) return undefined;
  const joined = typeof header === 'string' ? header : header.join(',');
  if (joined.length > MAX_LENGTH * 4) return undefined;
  const members: Array<readonly [string, string]> = [];
  const seen = new Set<string>();
  for (const part of joined.split(',')) {
    const member = part.replace(OWS_RE, '');
    if (member === '') continue;
    const eq = member.indexOf('=');
    if (eq <= 0) return undefined;
    const key = member.slice(0, eq);
    const value = member.slice(eq + 1);
    if (!KEY_RE.test(key) || !VALUE_RE.test(value) || seen.has(key)) return undefined;
    seen.add(key);
    members.push([key, value]);
    if (members.length > MAX_MEMBERS) return undefined;
  }
  return members.length > 0 ? new W3CTraceState(members) : undefined;
}
