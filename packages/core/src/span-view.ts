/**
 * Helpers over finished spans.
 *
 * @internal
 * @module
 */
import type { Attributes, HrTime, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** Fields a copy may replace. */
export interface SpanOverlay {
  attributes?: Attributes;
  events?: TimedEvent[];
}

/**
 * A plain copy of a finished span with some fields replaced, for changes other processors must not
 * see (redaction). Every copy has the same shape: prototype-based overlays made the exporter's
 * property reads megamorphic and cost more than the whole export (measured in bench/core).
 */
export function copySpan(span: ReadableSpan, overlay: SpanOverlay): ReadableSpan {
  const spanContext = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => spanContext,
    // Always present (possibly undefined) so that every copy keeps one shape.
    parentSpanContext: span.parentSpanContext as SpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: overlay.attributes ?? span.attributes,
    links: span.links,
    events: overlay.events ?? span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Whether a span is the local root of its unit of work: no parent, or a parent from another process. */
export function isLocalRoot(span: { parentSpanContext?: SpanContext | undefined }): boolean {
  return span.parentSpanContext === undefined || span.parentSpanContext.isRemote === true;
}

/** Milliseconds from an OpenTelemetry `HrTime`. */
export function hrTimeToMs(time: HrTime): number {
  return time[0] * 1e3 + time[1] / 1e6;
}

/**
 * A cheap upper estimate of a span's OTLP-JSON size, used for byte bounds. It counts strings and a
 * fixed cost per field instead of serialising. Not memoised on the span: adding a property to the SDK's
 * span objects changes their shape and slowed the SDK's own code more than recomputing (bench/core).
 */
export function estimateSpanBytes(span: ReadableSpan): number {
  let bytes = 200 + span.name.length;
  bytes += estimateAttributesBytes(span.attributes);
  for (const event of span.events) bytes += 60 + event.name.length + estimateAttributesBytes(event.attributes ?? {});
  bytes += span.links.length * 120;
  return bytes;
}

function estimateAttributesBytes(attributes: Attributes): number {
  let bytes = 0;
  for (const key in attributes) {
    const value = attributes[key];
    bytes += key.length + 30;
    if (typeof value === 'string') bytes += value.length;
    else if (Array.isArray(value)) bytes += value.length * 16;
  }
  return bytes;
}
