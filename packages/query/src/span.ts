/**
 * The span model every part of `@wideline/query` works on: one shape for both of Jaeger's answers
 * (OTLP-JSON from `/api/v3`, Jaeger-JSON from the legacy `/api`). Times are microseconds since the
 * epoch as plain numbers: nanosecond epochs do not fit a double, and bigint arithmetic over 10k+ spans
 * costs more than sub-microsecond precision is worth in a terminal.
 *
 * @module
 */

/** An attribute value as Jaeger returns it. */
export type AttributeValue = string | number | boolean | AttributeValue[] | undefined;

/** Attributes of a span, event, link or resource. */
export type Attributes = Record<string, AttributeValue>;

/** `UNSET` unless the instrumentation set a status. */
export type StatusCode = 'UNSET' | 'OK' | 'ERROR';

/** A span event (`exception` events carry the error's type, message and stack). */
export interface SpanEvent {
  name: string;
  timeUs: number;
  attributes: Attributes;
}

/** A span link. The legacy API drops link attributes. */
export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** One span read back from Jaeger. */
export interface Span {
  traceId: string;
  spanId: string;
  /** Absent on a root span. */
  parentSpanId: string | undefined;
  name: string;
  /** `server`, `client`, `producer`, `consumer`, `internal` or `unspecified`. */
  kind: string;
  service: string;
  startUs: number;
  endUs: number;
  attributes: Attributes;
  resource: Attributes;
  status: { code: StatusCode; message: string | undefined };
  events: SpanEvent[];
  links: SpanLink[];
}

/** Attribute holding the sampling weight (how many units each kept one stands for); same key as core. */
export { SAMPLE_RATE_ATTRIBUTE } from '@wideline/core/conventions';

/** Duration of a span in microseconds, never negative. */
export function durationUs(span: Pick<Span, 'startUs' | 'endUs'>): number {
  return Math.max(0, span.endUs - span.startUs);
}

/** An attribute from the span or, failing that, its resource. */
export function attributeOf(span: Span, key: string): AttributeValue {
  return key in span.attributes ? span.attributes[key] : span.resource[key];
}
