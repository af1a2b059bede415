/**
 * OTLP/HTTP JSON encoding of finished spans (the `ExportTraceServiceRequest` of
 * opentelemetry-proto, JSON mapping: ids in hex, 64-bit times as strings, enums as numbers).
 * It replaces `@opentelemetry/otlp-transformer`'s serializer, which costs more than this whole
 * file in a page or Worker bundle; a unit test checks that both produce the same request.
 *
 * @module
 */
import type { Attributes, AttributeValue, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

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
  | { arrayValue: { values: AnyValue[] } }
  | Record<string, never>;

function anyValue(value: AttributeValue | undefined | null): AnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  // A null or undefined array member: the empty AnyValue, as OpenTelemetry's serializer writes it.
  return {};
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

// OTLP's SpanFlags: the W3C trace flags in the low byte, then HAS_IS_REMOTE (0x100) and IS_REMOTE
// (0x200) for whether the parent (of a span) or the linked span (of a link) is remote.
function spanFlags({ traceFlags }: SpanContext, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | (isRemote ? 0x300 : 0x100);
}

// Module-level callbacks for `map`: no closure is made per span.
function encodeEvent(event: TimedEvent) {
  return {
    timeUnixNano: nanos(event.time),
    name: event.name,
    attributes: keyValues(event.attributes),
    droppedAttributesCount: event.droppedAttributesCount ?? 0,
  };
}

function encodeLink({ context, attributes, droppedAttributesCount }: Link) {
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    traceState: context.traceState?.serialize(),
    attributes: keyValues(attributes),
    droppedAttributesCount: droppedAttributesCount ?? 0,
    flags: spanFlags(context, context.isRemote),
  };
}

function encodeSpan(span: ReadableSpan) {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  const { status } = span;
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: parent?.spanId || undefined,
    traceState: context.traceState?.serialize(),
    name: span.name,
    // OTLP's SpanKind counts UNSPECIFIED as 0; the API's INTERNAL is 0.
    kind: span.kind + 1,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    attributes: keyValues(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map(encodeEvent),
    droppedEventsCount: span.droppedEventsCount,
    status: { code: status.code, message: status.message },
    links: span.links.map(encodeLink),
    droppedLinksCount: span.droppedLinksCount,
    flags: spanFlags(context, parent?.isRemote),
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
    const { name, version = '', schemaUrl = '' } = span.instrumentationScope;
    const key = `${name}\u0000${version}\u0000${schemaUrl}`;
    const list = scopes.get(key);
    if (list) list.push(span);
    else scopes.set(key, [span]);
  }
  const members: string[] = [];
  for (const [resource, scopes] of resources) {
    const scopeSpans = [];
    for (const list of scopes.values()) {
      const scope = (list[0] as ReadableSpan).instrumentationScope;
      const spans = list.map(encodeSpan);
      scopeSpans.push({ scope: { name: scope.name, version: scope.version }, spans, schemaUrl: scope.schemaUrl });
    }
    const schemaUrl = resource.schemaUrl || undefined;
    const entry = {
      resource: { attributes: keyValues(resource.attributes), droppedAttributesCount: 0, schemaUrl },
      scopeSpans,
      schemaUrl,
    };
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
