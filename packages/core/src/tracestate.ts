/**
 * W3C `tracestate` (Trace Context Level 1 and 2, §3.3): parsed by the spec's grammar, mutated by its
 * rules, bounded on the way out by its truncation order.
 *
 * What a receiver does with a bad header is the vendor's choice (§4.3: "If the tracestate header
 * cannot be parsed the vendor MAY discard the entire header. Invalid tracestate entries MAY also be
 * discarded."). Wideline chooses:
 * - a member that breaks the grammar (key, value, `=`), or more than 32 members: the whole header is
 *   discarded — a list this process cannot read is not one it may forward;
 * - a key that appears twice (§3.3.1.4: "Only one entry per key is allowed"): every entry of that key
 *   is discarded, since which one is that vendor's last position cannot be told; the other vendors'
 *   entries are valid and are kept.
 *
 * @see https://www.w3.org/TR/trace-context-2/#tracestate-header
 * @module
 */
import type { TraceState } from '@opentelemetry/api';
import type { HeaderValue } from './traceparent';

/** §3.3.1.1: "There can be a maximum of 32 list-members in a list." */
const MAX_MEMBERS = 32;
/** §3.3.1.5: vendors SHOULD propagate at least 512 characters; Wideline propagates exactly that much. */
const MAX_PROPAGATED_LENGTH = 512;
/** §3.3.1.5: "Entries larger than 128 characters long SHOULD be removed first." */
const LONG_ENTRY = 128;
/**
 * Longer input is refused unread. A valid list is at most 32 × (256 + 1 + 256) + 31 = 16 447
 * characters before optional white space; this leaves room for that and for generous OWS.
 */
const MAX_INPUT_LENGTH = 32_768;
/** §3.3.1.3.1: `key = ( lcalpha / DIGIT ) 0*255 ( keychar )`, keychar = lcalpha / DIGIT / _ - * / @ */
const KEY_RE = /^[a-z0-9][a-z0-9_\-*/@]{0,255}$/;
/** §3.3.1.3.2: `value = 0*255(chr) nblk-chr`, chr = %x20 / nblk-chr, nblk-chr = %x21-2B / %x2D-3C / %x3E-7E */
const VALUE_RE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
/** RFC 7230 OWS: spaces and horizontal tabs, which surround list members. */
const OWS_RE = /^[ \t]+|[ \t]+$/g;

type Member = readonly [key: string, value: string];

/**
 * An immutable `tracestate` that implements OpenTelemetry's {@link TraceState}. Members keep the
 * order of the header; `set` moves its key to the front (§3.5: "Modified keys MUST be moved to the
 * beginning (left) of the list") and, past 32 members, drops the right-most one.
 *
 * @example
 * new W3CTraceState([['congo', 't61rcWkgMzE']]).set('rojo', '00f067aa0ba902b7').serialize()
 * // 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'
 */
export class W3CTraceState implements TraceState {
  readonly #members: readonly Member[];

  constructor(members: readonly Member[] = []) {
    this.#members = members;
  }

  get(key: string): string | undefined {
    return this.#members.find(([k]) => k === key)?.[1];
  }

  /** The state with `key` set to `value` and moved to the front; unchanged when either is invalid. */
  set(key: string, value: string): W3CTraceState {
    if (!KEY_RE.test(key) || !VALUE_RE.test(value)) return this;
    const rest = this.#members.filter(([k]) => k !== key);
    const first: Member = [key, value];
    return new W3CTraceState([first, ...rest].slice(0, MAX_MEMBERS));
  }

  unset(key: string): W3CTraceState {
    return new W3CTraceState(this.#members.filter(([k]) => k !== key));
  }

  /**
   * The header value. Longer than 512 characters, whole entries are removed (§3.3.1.5): entries
   * over 128 characters first, then from the end of the list.
   */
  serialize(): string {
    let entries = this.#members.map(([k, v]) => `${k}=${v}`);
    let length = entries.join(',').length;
    while (length > MAX_PROPAGATED_LENGTH) {
      const long = entries.findIndex((entry) => entry.length > LONG_ENTRY);
      const index = long >= 0 ? long : entries.length - 1;
      entries = entries.filter((_, i) => i !== index);
      length = entries.join(',').length;
    }
    return entries.join(',');
  }
}

/** Splits one member into key and value; `undefined` when it breaks the grammar. */
function member(text: string): Member | undefined {
  const eq = text.indexOf('=');
  if (eq <= 0) return undefined;
  const key = text.slice(0, eq);
  const value = text.slice(eq + 1);
  return KEY_RE.test(key) && VALUE_RE.test(value) ? [key, value] : undefined;
}

/**
 * Parses `tracestate` header(s). Several header fields are combined with commas (RFC 7230 §3.2.2, as
 * §3.3.1 requires); empty and white-space-only members are skipped (§3.3.1.1). Returns `undefined`
 * when nothing valid is left — see the module notes for what is discarded when. Never throws.
 *
 * @example
 * parseTracestate(['rojo=00f067aa0ba902b7', ' congo=t61rcWkgMzE'])?.serialize()
 * // 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'
 */
export function parseTracestate(header: HeaderValue): W3CTraceState | undefined {
  if (header === null || header === undefined) return undefined;
  const joined = typeof header === 'string' ? header : header.join(',');
  if (joined.length > MAX_INPUT_LENGTH) return undefined;
  const members: Member[] = [];
  const counts = new Map<string, number>();
  for (const part of joined.split(',')) {
    const text = part.replace(OWS_RE, '');
    if (text === '') continue;
    const parsed = member(text);
    if (!parsed || members.length === MAX_MEMBERS) return undefined;
    members.push(parsed);
    counts.set(parsed[0], (counts.get(parsed[0]) ?? 0) + 1);
  }
  const unique = members.length === counts.size ? members : members.filter(([key]) => counts.get(key) === 1);
  return unique.length > 0 ? new W3CTraceState(unique) : undefined;
}
