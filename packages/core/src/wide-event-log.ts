/**
 * One JSON log line per unit of work, written when its local root span ends: the wide event for log
 * pipelines (Workers Logs, Loki, CloudWatch) that do not read traces. Redacted like exported spans.
 *
 * @module
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from './conventions';
import type { Redactor } from './redact';
import { hrTimeToMs, isLocalRoot } from './span-view';

/** Where wide-event lines go. Default: `console.log`. */
export type LineSink = (line: string) => void;

const STATUS_NAMES: Record<SpanStatusCode, string> = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
};

/** Builds the wide-event record of a finished local root span. */
export function wideEventRecord(span: ReadableSpan, redactor?: Redactor): Record<string, unknown> {
  const context = span.spanContext();
  const attributes = redactor?.redactAttributes(span.attributes) ?? span.attributes;
  return {
    _event: span.name,
    timestamp: new Date(hrTimeToMs(span.startTime)).toISOString(),
    service: span.resource.attributes[ATTR_SERVICE_NAME],
    trace_id: context.traceId,
    span_id: context.spanId,
    ...(span.parentSpanContext ? { parent_span_id: span.parentSpanContext.spanId } : {}),
    duration_ms: Math.round(hrTimeToMs(span.duration) * 1000) / 1000,
    status: STATUS_NAMES[span.status.code],
    ...(span.status.message ? { status_message: span.status.message } : {}),
    ...attributes,
  };
}

/** Span processor that writes {@link wideEventRecord} as one JSON line per local root. */
export class WideEventLogProcessor implements SpanProcessor {
  readonly #sink: LineSink;
  readonly #redactor: Redactor | undefined;

  constructor(options: { sink?: LineSink; redactor?: Redactor } = {}) {
    this.#sink = options.sink ?? ((line) => console.log(line));
    this.#redactor = options.redactor;
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (!isLocalRoot(span)) return;
    try {
      this.#sink(JSON.stringify(wideEventRecord(span, this.#redactor)));
    } catch {
      // A failing sink must not break the host; the span itself is still exported.
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
