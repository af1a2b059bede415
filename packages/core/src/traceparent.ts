/**
 * W3C Trace Context `traceparent`, `tracestate` and `traceresponse`, parsed exactly as the
 * Recommendation says and never throwing: anything invalid yields `undefined`, and the caller starts
 * a new root. Header values may arrive as arrays (Node) or `null` (Fetch `Headers.get`).
 *
 * @see https://www.w3.org/TR/trace-context/
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

const HEX_RE = /^[0-9a-f]+$/;
const ZERO_TRACE_ID = '00000000000000000000000000000000';
const ZERO_SPAN_ID = '0000000000000000';
const VERSION_00_LENGTH = 55;
/** Optional white space around a header value (RFC 9110 OWS). */
const OWS_RE = /^[ \t]+|[ \t]+$/g;

function single(value: HeaderValue): string | undefined {
  if (typeof value === 'string') return value;
  // Several traceparent headers cannot be told apart: the spec treats that as invalid.
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  return undefined;
}

/**
 * Parses a `traceparent` header. Returns `undefined` for anything the Recommendation calls invalid:
 * version `ff`, a version-00 value of the wrong length or with extra fields, upper-case hex, all-zero
 * ids, or several headers.
 *
 * @example
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId
 * // '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function parseTraceparent(header: HeaderValue): TraceParent | undefined {
  const raw = single(header);
  if (raw === undefined || raw.length > 512) return undefined;
  const value = raw.replace(OWS_RE, '');
  if (value.length < VERSION_00_LENGTH) return undefined;
  const version = value.slice(0, 2);
  if (!HEX_RE.test(version) || version === 'ff') return undefined;
  if (version === '00' && value.length !== VERSION_00_LENGTH) return undefined;
  // Future versions may append fields, but only after a dash at the version-00 boundary.
  if (value.length > VERSION_00_LENGTH && value[VERSION_00_LENGTH] !== '-') return undefined;
  if (value[2] !== '-' || value[35] !== '-' || value[52] !== '-') return undefined;
  const traceId = value.slice(3, 35);
  const spanId = value.slice(36, 52);
  const flags = value.slice(53, 55);
  if (!HEX_RE.test(traceId) || traceId === ZERO_TRACE_ID) return undefined;
  if (!HEX_RE.test(spanId) || spanId === ZERO_SPAN_ID) return undefined;
  if (!HEX_RE.test(flags)) return undefined;
  return { version, traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}

/** Formats a span context as a version-00 `traceparent`. */
export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/**
 * Formats a `traceresponse` (Trace Context Level 2): the callee's trace id, its server span id, and
 * whether it keeps the trace. A caller that reads `sampled` keeps its own part of the trace too.
 */
export function formatTraceresponse(spanContext: SpanContext, kept: boolean): string {
  return formatTraceparent({
    ...spanContext,
    traceFlags: kept ? TraceFlags.SAMPLED : TraceFlags.NONE,
  });
}

/** Parses a `traceresponse` header; same grammar as `traceparent`. */
export function parseTraceresponse(header: HeaderValue): (TraceParent & { sampled: boolean }) | undefined {
  const parsed = parseTraceparent(header);
  if (!parsed) return undefined;
  return { ...parsed, sampled: (parsed.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED };
}
