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

// Every object below is built with all its keys in one literal, absent fields as `undefined`
// (which `JSON.stringify` leaves out): one shape per kind of object, so the engine's serializer
// stays on its fast path, and no spread or intermediate object per optional field.
interface KeyValue {
  key: string;
  value: AnyValue;
}

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: number }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } };

function anyValue(value: AttributeValue | undefined | null): AnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) {
    const values: AnyValue[] = [];
    for (let i = 0; i < value.length; i++) values.push(anyValue(value[i]));
    return { arrayValue: { values } };
  }
  return { stringValue: value == null ? '' : String(value) };
}

function keyValues(attributes: Attributes | undefined): KeyValue[] {
  const list: KeyValue[] = [];
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
  const { events, links, status } = span;
  const encodedEvents = [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as (typeof events)[number];
    encodedEvents.push({
      timeUnixNano: nanos(event.time),
      name: event.name,
      attributes: keyValues(event.attributes),
      droppedAttributesCount: event.droppedAttributesCount ?? 0,
    });
  }
  const encodedLinks = [];
  for (let i = 0; i < links.length; i++) {
    const link = links[i] as (typeof links)[number];
    encodedLinks.push({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: keyValues(link.attributes),
      droppedAttributesCount: link.droppedAttributesCount ?? 0,
    });
  }
  return {
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId || undefined,
    traceState: traceState ? traceState.serialize() || undefined : undefined,
    name: span.name,
    // OTLP's SpanKind counts UNSPECIFIED as 0; the API's INTERNAL is 0.
    kind: span.kind + 1,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    attributes: keyValues(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: encodedEvents,
    droppedEventsCount: span.droppedEventsCount,
    status: { code: status.code, message: status.message || undefined },
    links: encodedLinks,
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
  const members: string[] = [];
  for (const [resource, scopes] of resources) {
    const scopeSpans = [];
    for (const list of scopes.values()) {
      const encoded = [];
      for (let i = 0; i < list.length; i++) encoded.push(encodeSpan(list[i] as ReadableSpan));
      const scope = list[0]?.instrumentationScope;
      scopeSpans.push({ scope: { name: scope?.name ?? '', version: scope?.version ?? '' }, spans: encoded });
    }
    const entry = { resource: { attributes: keyValues(resource.attributes), droppedAttributesCount: 0 }, scopeSpans };
    members.push(JSON.stringify(entry));
  }
  return members.join(',');
}

/** An OTLP/HTTP JSON request body from the members of one or more {@link encodeResourceSpans} calls. */
export function joinResourceSpans(parts: readonly string[]): string {
  return `{"resourceSpans":[${parts.filter((part) => part !== '').join(',')}]}`;
}

/** Encodes spans as an OTLP/HTTP JSON request body, grouped by resource and scope. */
export function encodeSpans(spans: readonly ReadableSpan[]): string {
  return joinResourceSpans([encodeResourceSpans(spans)]);
}
