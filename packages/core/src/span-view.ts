/**
 * Copy-on-write views of finished spans. The SDK's `ReadableSpan` objects are shared by every span
 * processor, so Wideline never mutates them: a view overlays changed fields on the original through
 * its prototype, and an untouched span is passed on as itself.
 *
 * @internal
 * @module
 */
import type { Attributes, HrTime, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** Fields a view may replace. */
export interface SpanOverlay {
  attributes?: Attributes;
  events?: TimedEvent[];
}

/** Returns `span` with `overlay` applied; the original is left untouched. */
export function overlaySpan(span: ReadableSpan, overlay: SpanOverlay): ReadableSpan {
  return Object.create(span, {
    ...(overlay.attributes ? { attributes: { value: overlay.attributes, enumerable: true } } : {}),
    ...(overlay.events ? { events: { value: overlay.events, enumerable: true } } : {}),
  }) as ReadableSpan;
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
 * fixed cost per field instead of serialising.
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
