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

const quote = JSON.stringify;

// The request is written as JSON text directly, not built as objects for `JSON.stringify`: an
// object per attribute, value, event and link was most of the encoder's cost, and half again as
// costly as OpenTelemetry's own serializer (bench/core). Ids are hex and times digits, so only
// names and string values need quoting.

function anyValue(value: AttributeValue | undefined | null): string {
  switch (typeof value) {
    case 'string':
      return `{"stringValue":${quote(value)}}`;
    case 'number':
      // JSON has no NaN or Infinity: `quote` writes them as null, as JSON.stringify of the object did.
      return Number.isInteger(value) ? `{"intValue":${value}}` : `{"doubleValue":${quote(value)}}`;
    case 'boolean':
      return value ? '{"boolValue":true}' : '{"boolValue":false}';
  }
  if (Array.isArray(value)) {
    let values = '';
    for (let i = 0; i < value.length; i++) values += (i === 0 ? '' : ',') + anyValue(value[i]);
    return `{"arrayValue":{"values":[${values}]}}`;
  }
  return `{"stringValue":${quote(value == null ? '' : String(value))}}`;
}

function keyValues(attributes: Attributes | undefined): string {
  let list = '';
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) list += `${list === '' ? '' : ','}{"key":${quote(key)},"value":${anyValue(value)}}`;
  }
  return `[${list}]`;
}

function nanos([seconds, ns]: HrTime): string {
  return seconds === 0 ? `"${ns}"` : `"${seconds}${String(ns).padStart(9, '0')}"`;
}

function encodeEvents(events: ReadableSpan['events']): string {
  let list = '';
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as ReadableSpan['events'][number];
    list +=
      `${i === 0 ? '' : ','}{"timeUnixNano":${nanos(event.time)},"name":${quote(event.name)},` +
      `"attributes":${keyValues(event.attributes)},"droppedAttributesCount":${event.droppedAttributesCount ?? 0}}`;
  }
  return `[${list}]`;
}

function encodeLinks(links: ReadableSpan['links']): string {
  let list = '';
  for (let i = 0; i < links.length; i++) {
    const link = links[i] as ReadableSpan['links'][number];
    list +=
      `${i === 0 ? '' : ','}{"traceId":"${link.context.traceId}","spanId":"${link.context.spanId}",` +
      `"attributes":${keyValues(link.attributes)},"droppedAttributesCount":${link.droppedAttributesCount ?? 0}}`;
  }
  return `[${list}]`;
}

function encodeSpan(span: ReadableSpan): string {
  const { traceId, spanId, traceState } = span.spanContext();
  const parent = span.parentSpanContext?.spanId;
  const { code, message } = span.status;
  return (
    `{"traceId":"${traceId}","spanId":"${spanId}"` +
    (parent ? `,"parentSpanId":"${parent}"` : '') +
    (traceState ? `,"traceState":${quote(traceState.serialize())}` : '') +
    // OTLP's SpanKind counts UNSPECIFIED as 0; the API's INTERNAL is 0.
    `,"name":${quote(span.name)},"kind":${span.kind + 1}` +
    `,"startTimeUnixNano":${nanos(span.startTime)},"endTimeUnixNano":${nanos(span.endTime)}` +
    `,"attributes":${keyValues(span.attributes)},"droppedAttributesCount":${span.droppedAttributesCount ?? 0}` +
    `,"events":${encodeEvents(span.events)},"droppedEventsCount":${span.droppedEventsCount ?? 0}` +
    `,"status":{"code":${code}${message ? `,"message":${quote(message)}` : ''}}` +
    `,"links":${encodeLinks(span.links)},"droppedLinksCount":${span.droppedLinksCount ?? 0}}`
  );
}

/**
 * Encodes spans as the members of an OTLP `resourceSpans` array (JSON, without the brackets; `''` for
 * no spans). Transports that join batches from several sources into one request (the Worker SDK's
 * outbox) keep these and pass them to {@link joinResourceSpans}.
 */
export function encodeResourceSpans(spans: readonly ReadableSpan[]): string {
  const resources = new Map<ReadableSpan['resource'], Map<string, ReadableSpan[]>>();
  for (const span of spans) {
    let scopes = resources.get(span.resource);
    if (!scopes) {
      scopes = new Map<string, ReadableSpan[]>();
      resources.set(span.resource, scopes);
    }
    const { name, version = '' } = span.instrumentationScope;
    const key = `${name}\u0000${version}`;
    const list = scopes.get(key);
    if (list) list.push(span);
    else scopes.set(key, [span]);
  }
  let members = '';
  for (const [resource, scopes] of resources) {
    let scopeSpans = '';
    for (const list of scopes.values()) {
      const scope = (list[0] as ReadableSpan).instrumentationScope;
      let encoded = '';
      for (let i = 0; i < list.length; i++) encoded += (i === 0 ? '' : ',') + encodeSpan(list[i] as ReadableSpan);
      scopeSpans +=
        `${scopeSpans === '' ? '' : ','}{"scope":{"name":${quote(scope.name ?? '')},"version":${quote(scope.version ?? '')}},` +
        `"spans":[${encoded}]}`;
    }
    members +=
      `${members === '' ? '' : ','}{"resource":{"attributes":${keyValues(resource.attributes)},"droppedAttributesCount":0},` +
      `"scopeSpans":[${scopeSpans}]}`;
  }
  return members;
}

/** An OTLP/HTTP JSON request body from the members of one or more {@link encodeResourceSpans} calls. */
export function joinResourceSpans(parts: readonly string[]): string {
  return `{"resourceSpans":[${parts.filter((part) => part !== '').join(',')}]}`;
}

/** Encodes spans as an OTLP/HTTP JSON request body, grouped by resource and scope. */
export function encodeSpans(spans: readonly ReadableSpan[]): string {
  return joinResourceSpans([encodeResourceSpans(spans)]);
}
