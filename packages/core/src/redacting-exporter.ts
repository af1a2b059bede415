/**
 * A span exporter decorator that redacts attributes and event attributes before they leave the
 * process, in the ended span itself: a copy would be a second object shape beside the SDK's spans,
 * and the serializer's property reads then see two (see `redactSpan`).
 *
 * @module
 */
import type { Attributes } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Redactor } from './redact';

function redactInPlace(attributes: Attributes, redactor: Redactor): void {
  const redacted = redactor.redactAttributes(attributes);
  if (redacted) Object.assign(attributes, redacted);
}

/**
 * Redacts one finished span's attributes and event attributes in place and returns the span. A
 * redacted value redacts to itself, so a span redacted twice (an export retried, a second
 * exporter) is the same. In place rather than a copy: the copy, a second object shape for the
 * serializer beside the SDK's spans, cost the pipeline ~1 500 instructions a span (bench/core
 * instructions.mjs, paired runs).
 */
export function redactSpan(span: ReadableSpan, redactor: Redactor): ReadableSpan {
  redactInPlace(span.attributes, redactor);
  for (const event of span.events) if (event.attributes) redactInPlace(event.attributes, redactor);
  return span;
}

/** Wraps `exporter` so that every span is redacted by `redactor` first. */
export class RedactingExporter implements SpanExporter {
  readonly #exporter: SpanExporter;
  readonly #redactor: Redactor;

  constructor(exporter: SpanExporter, redactor: Redactor) {
    this.#exporter = exporter;
    this.#redactor = redactor;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    for (const span of spans) redactSpan(span, this.#redactor);
    this.#exporter.export(spans, resultCallback);
  }

  shutdown(): Promise<void> {
    return this.#exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#exporter.forceFlush?.() ?? Promise.resolve();
  }
}
