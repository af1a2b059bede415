/**
 * A span exporter decorator that redacts attributes and event attributes before they leave the
 * process. Spans with nothing to redact are passed through without copying.
 *
 * @module
 */
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { Redactor } from './redact';
import { copySpan } from './span-view';

/** Redacts one finished span; returns the same object when nothing changed. */
export function redactSpan(span: ReadableSpan, redactor: Redactor): ReadableSpan {
  const attributes = redactor.redactAttributes(span.attributes);
  let events: TimedEvent[] | undefined;
  // A loop, not forEach: no closure per exported span.
  const original = span.events;
  for (let index = 0; index < original.length; index++) {
    const event = original[index] as TimedEvent;
    const redacted = event.attributes ? redactor.redactAttributes(event.attributes) : undefined;
    if (!redacted) continue;
    events ??= [...original];
    events[index] = { ...event, attributes: redacted };
  }
  if (!attributes && !events) return span;
  return copySpan(span, { attributes: attributes ?? span.attributes, events: events ?? span.events });
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
    this.#exporter.export(
      spans.map((span) => redactSpan(span, this.#redactor)),
      resultCallback,
    );
  }

  shutdown(): Promise<void> {
    return this.#exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#exporter.forceFlush?.() ?? Promise.resolve();
  }
}
