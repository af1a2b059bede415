/**
 * W3C Trace Context `traceparent` and `traceresponse` (Levels 1 and 2), parsed as the spec says and
 * never throwing: anything invalid yields `undefined`, and the caller starts a new root. Header
 * values may arrive as arrays (Node) or `null` (Fetch `Headers.get`).
 *
 * Trace flags: Level 2 defines two, `sampled` (0x01) and `random-trace-id` (0x02). Only those are
 * read ("The vendor will only parse the trace-flags values supported by this version"), and only
 * those are written ("Other Flags … Vendors MUST set those to zero").
 *
 * @see https://www.w3.org/TR/trace-context-2/#traceparent-header
 * @module
 */
import { type SpanContext, TraceFlags } from '@opentelemetry/api';

/** A header value as HTTP stacks hand it over. */
export type HeaderValue = string | readonly string[] | null | undefined;

/** The parsed fields of a `traceparent` (or `traceresponse`) header. */
export interface TraceParent {
  version: string;
  traceId: string;
  spanId: string;
  traceFlags: number;
}

/** Level 2 §3.2.2.5.2: the `random-trace-id` flag — at least the right-most 7 bytes of the trace id are random. */
export const RANDOM_TRACE_FLAG = 0x02;
/** The flags this version of the spec defines (sampled, random-trace-id). */
const KNOWN_FLAGS = TraceFlags.SAMPLED | RANDOM_TRACE_FLAG;

const ZERO_TRACE_ID = '00000000000000000000000000000000';
const ZERO_SPAN_ID = '0000000000000000';
const VERSION_00_LENGTH = 55;
const DASH = 0x2d;
/** The four version-00 fields: lower-case hex, dashes at 2, 35 and 52 (the length is checked apart). */
const FIELDS_RE = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}/;
/** Optional white space around a header value (RFC 9110 OWS). */
const OWS_RE = /^[ \t]+|[ \t]+$/g;

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** The value of a character `FIELDS_RE` matched as a lower-case hex digit (`0-9`, `a-f`). */
function hexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : code - 0x57;
}

function single(value: HeaderValue): string | undefined {
  if (typeof value === 'string') return value;
  // Several traceparent headers cannot be told apart: the spec treats that as invalid.
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  return undefined;
}

/**
 * Whether the version field allows the value's length: version 00 is exactly 55 characters; a
 * higher version is at least 55 and may go on only after a dash (§4.3: "If the size of the header is
 * longer than 55 characters, the vendor MUST check that the 56th character is a dash"); ff is invalid.
 */
function versionFits(version: number, value: string): boolean {
  if (version === 0xff) return false;
  if (version === 0) return value.length === VERSION_00_LENGTH;
  return value.length === VERSION_00_LENGTH || value.charCodeAt(VERSION_00_LENGTH) === DASH;
}

/**
 * Parses a `traceparent` header. Returns `undefined` for anything the spec calls invalid: version
 * `ff`, a version-00 value of the wrong length or with extra fields, a higher version whose first
 * four fields do not parse, upper-case hex, all-zero ids, or several headers. `traceFlags` holds the
 * known flags only (sampled, random-trace-id).
 *
 * One native pattern match for the hex and the dashes, then the version, length and zero-id rules
 * read at their positions, with no slice until the value is known valid: a propagated context (a
 * job's stored context, a message's) is parsed once per unit of work even when nothing is sampled,
 * and a JavaScript loop over 52 characters costs more than the match until V8 optimises it.
 *
 * @example
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId
 * // '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function parseTraceparent(header: HeaderValue): TraceParent | undefined {
  const raw = single(header);
  if (raw === undefined || raw.length > 512) return undefined;
  // Most values carry no optional whitespace: no regex replace for them.
  const value = isOws(raw.charCodeAt(0)) || isOws(raw.charCodeAt(raw.length - 1)) ? raw.replace(OWS_RE, '') : raw;
  if (value.length < VERSION_00_LENGTH || !FIELDS_RE.test(value)) return undefined;
  // Every character read below is a lower-case hex digit: the pattern matched.
  const high = hexValue(value.charCodeAt(0));
  const low = hexValue(value.charCodeAt(1));
  if (!versionFits((high << 4) | low, value)) return undefined;
  if (value.startsWith(ZERO_TRACE_ID, 3) || value.startsWith(ZERO_SPAN_ID, 36)) return undefined;
  // Only the low nibble holds the flags this version defines.
  const flags = hexValue(value.charCodeAt(54)) & KNOWN_FLAGS;
  return {
    version: high === 0 && low === 0 ? '00' : value.slice(0, 2),
    traceId: value.slice(3, 35),
    spanId: value.slice(36, 52),
    traceFlags: flags,
  };
}

/**
 * Formats a span context as a version-00 `traceparent` (a higher version received is downgraded, as
 * §3.5 allows), with the sampled and random-trace-id flags and every other flag zero.
 */
export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & KNOWN_FLAGS).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/**
 * Formats a `traceresponse` (Trace Context Level 2): the callee's trace id, its server span id,
 * whether it keeps the trace, and the trace's random-trace-id flag as it came in (or as this process
 * set it on a new root). A caller that reads `sampled` keeps its own part of the trace too.
 */
export function formatTraceresponse(spanContext: SpanContext, kept: boolean): string {
  return formatTraceparent({
    ...spanContext,
    traceFlags: (kept ? TraceFlags.SAMPLED : TraceFlags.NONE) | (spanContext.traceFlags & RANDOM_TRACE_FLAG),
  });
}

/** Parses a `traceresponse` header; same grammar as `traceparent`. */
export function parseTraceresponse(header: HeaderValue): (TraceParent & { sampled: boolean }) | undefined {
  const parsed = parseTraceparent(header);
  if (!parsed) return undefined;
  return { ...parsed, sampled: (parsed.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED };
}
