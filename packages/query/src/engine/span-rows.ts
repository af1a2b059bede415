/**
 * {@link Span}s (from the legacy Jaeger API, or a library caller) as `raw_spans` rows in JSON lines,
 * the same layout the engine's own OTLP reader produces, so both paths share one pivot.
 *
 * @module
 */
import type { Attributes, AttributeValue, Span } from '../span.ts';

type OtlpValue = Record<string, string>;

function value(v: AttributeValue): OtlpValue | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: String(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: String(v) };
  return { arrayValue: JSON.stringify(v) };
}

function keyValues(attributes: Attributes): Array<{ key: string; value: OtlpValue }> {
  const out: Array<{ key: string; value: OtlpValue }> = [];
  for (const [key, v] of Object.entries(attributes)) {
    const encoded = value(v);
    if (encoded) out.push({ key, value: encoded });
  }
  return out;
}

/** One span as a JSON line of `raw_spans`. Flags are unknown (0), so wide events come from the tree. */
export function spanRow(span: Span): string {
  return JSON.stringify({
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId ?? '',
    flags: 0,
    name: span.name,
    kind: span.kind,
    status: span.status.code,
    status_message: span.status.message ?? '',
    start_ns: `${Math.round(span.startUs)}000`,
    end_ns: `${Math.round(span.endUs)}000`,
    attrs: keyValues(span.attributes),
    rattrs: keyValues({ ...span.resource, 'service.name': span.service }),
  });
}
