/**
 * The W3C propagator Wideline registers: `traceparent`, `tracestate` and `baggage`, with this
 * package's strict parsers, so that malformed input from the outside starts a fresh root instead of
 * continuing (or crashing on) a corrupted context.
 *
 * @module
 */
import {
  type Context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  type TraceState,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { formatBaggage, parseBaggage } from './baggage';
import { formatTraceparent, parseTraceparent } from './traceparent';
import { parseTracestate } from './tracestate';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const BAGGAGE = 'baggage';

/**
 * A {@link TextMapPropagator} for W3C Trace Context and Baggage. Use it wherever OpenTelemetry takes
 * a propagator; `createTracing` registers it globally.
 *
 * @example
 * const ctx = new W3CPropagator().extract(ROOT_CONTEXT, request.headers, headersGetter);
 */
export class W3CPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(context)) return;
    const spanContext = trace.getSpanContext(context);
    if (spanContext && isSpanContextValid(spanContext)) {
      setter.set(carrier, TRACEPARENT, formatTraceparent(spanContext));
      const state = spanContext.traceState?.serialize();
      if (state) setter.set(carrier, TRACESTATE, state);
    }
    const baggage = propagation.getBaggage(context);
    if (baggage && baggage.getAllEntries().length > 0) {
      const header = formatBaggage(baggage.getAllEntries().map(([k, e]) => [k, { value: e.value }]));
      if (header) setter.set(carrier, BAGGAGE, header);
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let result = context;
    const traceparent = getter.get(carrier, TRACEPARENT);
    const tracestate = getter.get(carrier, TRACESTATE);
    // Several traceparent headers cannot be told apart: invalid. Several tracestate headers are joined.
    const single = Array.isArray(traceparent) ? (traceparent.length === 1 ? traceparent[0] : undefined) : traceparent;
    result = remoteContext(single, Array.isArray(tracestate) ? tracestate.join(',') : tracestate, result) ?? result;
    const entries = parseBaggage(getter.get(carrier, BAGGAGE));
    if (entries.size > 0) {
      const record: Record<string, { value: string }> = {};
      for (const [key, member] of entries) record[key] = { value: member.value };
      result = propagation.setBaggage(result, propagation.createBaggage(record));
    }
    return result;
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE, BAGGAGE];
  }
}

/**
 * The remote parent a `traceparent` (and optional `tracestate`) describe, found in headers or outside
 * them — a job's stored options, a message body, an RPC envelope. Keeps the sampled and
 * random-trace-id flags as they came. `undefined` for an invalid `traceparent`; a bad `tracestate`
 * is dropped, never the parent with it (§3.3: "failure to parse tracestate MUST NOT affect the
 * parsing of traceparent"), and is not even read when the `traceparent` is invalid.
 *
 * @example
 * remoteSpanContext('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03', 'rojo=1')?.traceFlags // 3
 */
export function remoteSpanContext(traceparent: unknown, tracestate?: unknown): SpanContext | undefined {
  const parent = typeof traceparent === 'string' ? parseTraceparent(traceparent) : undefined;
  if (!parent) return undefined;
  const traceState = typeof tracestate === 'string' ? parseTracestate(tracestate) : undefined;
  return new ParsedSpanContext(parent.traceId, parent.spanId, parent.traceFlags, traceState);
}

/**
 * A remote span context whose ids came out of a `traceparent` that parsed: lower-case hex of the
 * right length, not all zeros. The tracer's early drops skip the API's `isSpanContextValid` for it
 * (`instanceof`), which reads every character again — slowly, on ids sliced out of a header — for
 * every unsampled child of a propagated context. A class only for that check: its own fields are
 * those of the plain object it replaces (`traceState` only when there is one).
 *
 * @internal
 */
export class ParsedSpanContext implements SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly isRemote = true;
  declare readonly traceState?: TraceState;

  constructor(traceId: string, spanId: string, traceFlags: number, traceState: TraceState | undefined) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.traceFlags = traceFlags;
    if (traceState) (this as { traceState?: TraceState }).traceState = traceState;
  }
}

/**
 * The context a remote parent gives, from a `traceparent` (and optional `tracestate`) found outside
 * HTTP headers — a `<meta name="traceparent">`, a field inside a WebSocket message, a job's options.
 * Returns `undefined` for an invalid `traceparent`, so the caller starts a new root.
 *
 * @example
 * const parent = remoteContext(message.wideline?.traceparent, message.wideline?.tracestate);
 * tracer.startActiveSpan('ws.message', {}, parent ?? ROOT_CONTEXT, handle);
 */
export function remoteContext(
  traceparent: unknown,
  tracestate?: unknown,
  base: Context = ROOT_CONTEXT,
): Context | undefined {
  const parent = remoteSpanContext(traceparent, tracestate);
  return parent ? trace.setSpanContext(base, parent) : undefined;
}

/** Reads headers from a Fetch `Headers`, a plain object or a Node `IncomingHttpHeaders`. */
export const headersGetter: TextMapGetter<Headers | Record<string, string | string[] | undefined>> = {
  get(carrier, key) {
    if (typeof (carrier as Headers).get === 'function') return (carrier as Headers).get(key) ?? undefined;
    const record = carrier as Record<string, string | string[] | undefined>;
    return record[key] ?? record[key.toLowerCase()];
  },
  keys(carrier) {
    if (typeof (carrier as Headers).keys === 'function') return [...(carrier as Headers).keys()];
    return Object.keys(carrier);
  },
};
