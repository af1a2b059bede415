/**
 * OTLP/HTTP JSON encoding of finished spans (the `ExportTraceServiceRequest` of
 * opentelemetry-proto, JSON mapping: ids in hex, 64-bit times as strings, enums as numbers).
 * It replaces `@opentelemetry/otlp-transformer`'s serializer, which costs more than this whole
 * file in a page or Worker bundle; a unit test checks that both produce the same request.
 *
 * @module
 */
import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: number }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } };

function anyValue(value: AttributeValue | undefined | null): AnyValue {
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => anyValue(v)) } };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return { stringValue: value == null ? '' : String(value) };
}

function keyValues(attributes: Attributes | undefined): Array<{ key: string; value: AnyValue }> {
  const list: Array<{ key: string; value: AnyValue }> = [];
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) list.push({ key, value: anyValue(value) });
  }
  return list;
}

function nanos([seconds, ns]: HrTime): string {
  return seconds === 0 ? String(ns) : `${seconds}${String(ns).padStart(9, '0')}`;
}

function encodeSpan(span: ReadableSpan) {
  const { traceId, spanId, traceState } = span.spanContext();
  const parent = span.parentSpanContext?.spanId;
  return {
    traceId,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    ...(traceState ? { traceState: traceState.serialize() } : {}),
    name: span.name,
    // OTLP's SpanKind counts UNSPECIFIED as 0; the API's INTERNAL is 0.
    kind: span.kind + 1,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    attributes: keyValues(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((event) => ({
      timeUnixNano: nanos(event.time),
      name: event.name,
      attributes: keyValues(event.attributes),
      droppedAttributesCount: event.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: span.droppedEventsCount,
    status: { code: span.status.code, ...(span.status.message ? { message: span.status.message } : {}) },
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: keyValues(link.attributes),
      droppedAttributesCount: link.droppedAttributesCount ?? 0,
    })),
    droppedLinksCount: span.droppedLinksCount,
  };
}

/**
 * Encodes spans as the members of an OTLP `resourceSpans` array (JSON, without the brackets; `''` for
 * no spans). Transports that join batches from several sources into one request (the Worker SDK's
 * outbox) keep these and pass them to {@link joinResourceSpans}.
 */
export function encodeResourceSpans(spans: readonly ReadableSpan[]): string {
  const resources = new Map<ReadableSpan['resource'], Map<string, ReadableSpan[]>>();
  for (const span of spans) {
    const scopes = resources.get(span.resource) ?? new Map<string, ReadableSpan[]>();
    resources.set(span.resource, scopes);
    const { name, version = '' } = span.instrumentationScope;
    const key = `${name}\u0000${version}`;
    const list = scopes.get(key);
    if (list) list.push(span);
    else scopes.set(key, [span]);
  }
  const resourceSpans = [...resources].map(([resource, scopes]) => ({
    resource: { attributes: keyValues(resource.attributes), droppedAttributesCount: 0 },
    scopeSpans: [...scopes.values()].map((list) => ({
      scope: { name: list[0]?.instrumentationScope.name ?? '', version: list[0]?.instrumentationScope.version ?? '' },
      spans: list.map(encodeSpan),
    })),
  }));
  return resourceSpans.map((entry) => JSON.stringify(entry)).join(',');
}

/** An OTLP/HTTP JSON request body from the members of one or more {@link encodeResourceSpans} calls. */
export function joinResourceSpans(parts: readonly string[]): string {
  return `{"resourceSpans":[${parts.filter((part) => part !== '').join(',')}]}`;
}

/** Encodes spans as an OTLP/HTTP JSON request body, grouped by resource and scope. */
export function encodeSpans(spans: readonly ReadableSpan[]): string {
  return joinResourceSpans([encodeResourceSpans(spans)]);
}
