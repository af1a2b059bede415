/**
 * The creation context stored in a job's options, in BullMQ's own telemetry format:
 * `opts.telemetry.metadata` is a JSON object of propagation fields (`{"traceparent": …}`), exactly what
 * `bullmq-otel` writes and reads, so a fleet mixing Wideline and `bullmq-otel` keeps its traces
 * joined. Wideline adds one optional key, `wideline.children` (a flow parent's children), which
 * `bullmq-otel` ignores.
 *
 * Reading never throws: a job's options are data from Redis, possibly written by anyone. A stored
 * context is read as core reads a remote parent: the sampled and random-trace-id flags as stored, a
 * bad tracestate dropped without the traceparent.
 *
 * @module
 */
import { INVALID_SPANID, INVALID_TRACEID, type SpanContext } from '@opentelemetry/api';
import { formatTraceparent, remoteSpanContext } from '@wideline/core/sdk';

/** Larger stored metadata is ignored unread: it cannot be a context we wrote. */
export const MAX_METADATA_LENGTH = 16_384;
/** A flow parent's links to its children are capped (the SDK's default link limit is 128). */
export const MAX_CHILD_LINKS = 64;
const CHILDREN_KEY = 'wideline.children';

/** What a job's stored metadata yielded. */
export interface StoredContext {
  /** The creation context, as a remote span context. */
  creation: SpanContext | undefined;
  /** A flow parent's children's creation contexts. */
  children: SpanContext[];
  /** True when metadata was present but unusable. */
  rejected: boolean;
}

const NONE: StoredContext = Object.freeze({ creation: undefined, children: [], rejected: false }) as StoredContext;
const REJECTED: StoredContext = Object.freeze({ creation: undefined, children: [], rejected: true }) as StoredContext;

const PLAIN_PREFIX = '{"traceparent":"';
const PLAIN_SUFFIX = '"}';
/** `{"traceparent":"00-<32 hex>-<16 hex>-<2 hex>"}`: what a context without tracestate encodes to. */
const PLAIN_LENGTH = PLAIN_PREFIX.length + 55 + PLAIN_SUFFIX.length;

/** Serialises a creation context (and optionally a flow parent's children) as job metadata. */
export function encodeMetadata(spanContext: SpanContext, children?: readonly SpanContext[]): string {
  // The common case is built as a string (a traceparent is hex and dashes, nothing to escape): the
  // same JSON `JSON.stringify` would give, without the intermediate object.
  let json = PLAIN_PREFIX + formatTraceparent(spanContext);
  const state = spanContext.traceState?.serialize();
  if (state) json += `","tracestate":${JSON.stringify(state)}`;
  else json += '"';
  if (children && children.length > 0)
    json += `,"${CHILDREN_KEY}":${JSON.stringify(children.slice(0, MAX_CHILD_LINKS).map((c) => formatTraceparent(c)))}`;
  return `${json}}`;
}

/**
 * Reads the creation context from a job's options. Accepts anything (`job.opts` is untrusted); returns
 * `rejected: true` for metadata that is present but not a usable context.
 *
 * @example
 * readStoredContext(job.opts).creation?.traceId
 */
export function readStoredContext(opts: unknown): StoredContext {
  try {
    if (typeof opts !== 'object' || opts === null) return NONE;
    const telemetry = (opts as { telemetry?: unknown }).telemetry;
    if (telemetry === undefined || telemetry === null) return NONE;
    if (typeof telemetry !== 'object') return REJECTED;
    const metadata = (telemetry as { metadata?: unknown }).metadata;
    if (metadata === undefined || metadata === null) return NONE;
    if (typeof metadata !== 'string' || metadata.length > MAX_METADATA_LENGTH) return REJECTED;
    // Fast path for the exact form Wideline and bullmq-otel write for a context without tracestate.
    if (metadata.length === PLAIN_LENGTH && metadata.startsWith(PLAIN_PREFIX) && metadata.endsWith(PLAIN_SUFFIX)) {
      const creation = remoteSpanContext(metadata.slice(PLAIN_PREFIX.length, PLAIN_LENGTH - PLAIN_SUFFIX.length));
      return creation ? { creation, children: [], rejected: false } : REJECTED;
    }
    const carrier: unknown = JSON.parse(metadata);
    if (typeof carrier !== 'object' || carrier === null || Array.isArray(carrier)) return REJECTED;
    const fields = carrier as Record<string, unknown>;
    const creation = remoteSpanContext(fields.traceparent, fields.tracestate);
    if (!creation) return REJECTED;
    const rawChildren = fields[CHILDREN_KEY];
    const children: SpanContext[] = [];
    if (Array.isArray(rawChildren)) {
      for (const raw of rawChildren.slice(0, MAX_CHILD_LINKS)) {
        const child = remoteSpanContext(raw);
        if (child) children.push(child);
      }
    }
    return { creation, children, rejected: false };
  } catch {
    return REJECTED;
  }
}

/**
 * Job options with the creation context stored in `telemetry.metadata`. Options that ask BullMQ to
 * omit the context (`telemetry.omitContext`) are returned untouched.
 */
export function withStoredContext<O extends object>(
  opts: O | undefined,
  spanContext: SpanContext,
  children?: readonly SpanContext[],
): O {
  const telemetry = (opts as { telemetry?: { omitContext?: boolean } } | undefined)?.telemetry;
  // No provider registered, or tracing suppressed (the API's all-zero context): store nothing rather
  // than a context that every consumer would reject. (A comparison, not isSpanContextValid: a
  // tracer's own span has ids it generated, and the hex checks were a measurable share of an add.)
  if (
    telemetry?.omitContext === true ||
    spanContext.spanId === INVALID_SPANID ||
    spanContext.traceId === INVALID_TRACEID
  )
    return (opts ?? {}) as O;
  const metadata = encodeMetadata(spanContext, children);
  return { ...opts, telemetry: telemetry ? { ...telemetry, metadata } : { metadata } } as O;
}
