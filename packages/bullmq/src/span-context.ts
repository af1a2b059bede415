/**
 * `withSpan(parent, span)`: the context `trace.setSpan(parent, span)` gives, built the cheap way.
 *
 * The API's own context copies its parent's `Map` and makes three closures for every value set —
 * the largest single cost of a job whose spans are not sampled, which sets a span in a context two
 * or three times per job (the producer's active span, the consumer's parent and active span). This
 * one holds the parent and the span, answers `getValue` for the span key itself and asks the parent
 * for everything else; `setValue` and `deleteValue` (rare on this path: baggage, suppression) build
 * the API's context then, so every context handed on behaves exactly like the API's.
 *
 * @internal
 * @module
 */
import { type Context, INVALID_SPAN_CONTEXT, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';

/**
 * The API's key for the active span. The API makes its keys with `Symbol.for` so that every copy of
 * it agrees; the check below falls back to the API's own context if a version ever does otherwise.
 */
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');

class SpanOverlayContext implements Context {
  readonly #parent: Context;
  readonly #span: Span;

  constructor(parent: Context, span: Span) {
    this.#parent = parent;
    this.#span = span;
  }

  getValue(key: symbol): unknown {
    return key === SPAN_KEY ? this.#span : this.#parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return trace.setSpan(this.#parent, this.#span).setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return trace.setSpan(this.#parent, this.#span).deleteValue(key);
  }
}

const probe = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
const overlayWorks = trace.getSpan(new SpanOverlayContext(ROOT_CONTEXT, probe)) === probe;

/** `parent` with `span` as its active span: the same answers as `trace.setSpan(parent, span)`. */
export const withSpan: (parent: Context, span: Span) => Context = overlayWorks
  ? (parent, span) => new SpanOverlayContext(parent, span)
  : (parent, span) => trace.setSpan(parent, span);
