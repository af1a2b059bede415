/**
 * Uncaught errors and unhandled rejections, recorded on the span they belong to — with or without
 * Sentry on the page — and the span a Sentry event of that error is stamped with.
 *
 * Which span an error belongs to, in order:
 * 1. the error's own context: the span core's `recordError` recorded it on (a failed fetch, a
 *    `withSpan` that threw) — it is already there, with its exception event;
 * 2. what the page is certainly busy with now (the active span: the interaction whose handler
 *    threw, the one open trace) — the exception is recorded there and marks it ERROR;
 * 3. else the page view: a late error (a timer 1.2 s after a click that succeeded) is not
 *    stamped with that click's trace on a guess.
 *
 * @internal
 * @module
 */
import { context, type Span, type SpanContext, type Tracer, trace } from '@opentelemetry/api';
import { recordError } from '@wideline/core';
import { errorSpanContext } from '@wideline/core/sdk';

/** What {@link trackErrors} needs from `initBrowser`. */
export interface ErrorTrackingDeps {
  tracer: Tracer;
  /** The page view span, when page-load tracing is on. */
  pageView: () => Span | undefined;
}

/** A running error tracker. */
export interface ErrorTracking {
  /**
   * Records `error` once on the span it belongs to and returns that span, still recording (a short
   * child span `uncaught error` when the owner has ended), so an event id can be added to it.
   */
  record(error: unknown): Span | undefined;
  /** The span context an event about `error` (or about nothing in particular) belongs to. */
  spanContextFor(error?: unknown): SpanContext | undefined;
  /**
   * Gives `error` its own context: the span it is about, e.g. the server span of the order whose
   * outcome a component throws for long after the click. Returns `error`, for `throw`.
   */
  belongsTo<E>(error: E, spanContext: SpanContext | undefined): E;
  /** Removes the window listeners. */
  stop(): void;
}

/** Records uncaught errors and unhandled rejections; returns the tracker. */
export function trackErrors(deps: ErrorTrackingDeps): ErrorTracking {
  const recorded = new WeakMap<object, Span>();
  const claimed = new WeakMap<object, SpanContext>();
  const keyOf = (error: unknown): object | undefined =>
    typeof error === 'object' && error !== null ? error : undefined;
  const recordedOn = (error: unknown): Span | undefined => {
    const key = keyOf(error);
    return key && recorded.get(key);
  };
  const ownContext = (error: unknown): SpanContext | undefined => {
    const key = keyOf(error);
    return (key && claimed.get(key)) ?? errorSpanContext(error);
  };
  // What the page is certainly busy with now, else the page view.
  const ownerSpan = (): Span | undefined => trace.getSpan(context.active()) ?? deps.pageView();
  const record = (error: unknown): Span | undefined => {
    const known = recordedOn(error);
    if (known) return known;
    const own = ownContext(error);
    let span = own ? undefined : ownerSpan();
    if (!span?.isRecording()) {
      // The error has a context of its own, or its owner ended (or there is none): a short span in
      // that trace carries the exception.
      const active = context.active();
      const parent = own ? trace.setSpanContext(active, own) : span ? trace.setSpan(active, span) : active;
      const carrier = deps.tracer.startSpan('uncaught error', {}, parent);
      // Ended on the next task, after every listener of this error (Sentry's adds its event id).
      setTimeout(() => carrier.end(), 0);
      span = carrier;
    }
    recordError(span, error);
    const key = keyOf(error);
    if (key) recorded.set(key, span);
    return span;
  };
  const onError = (event: ErrorEvent) => {
    record(event.error ?? new Error(event.message || 'Script error.'));
  };
  const onRejection = (event: PromiseRejectionEvent) => {
    record(event.reason);
  };
  globalThis.addEventListener?.('error', onError);
  globalThis.addEventListener?.('unhandledrejection', onRejection);
  return {
    record,
    spanContextFor: (error) => recordedOn(error)?.spanContext() ?? ownContext(error) ?? ownerSpan()?.spanContext(),
    belongsTo(error, spanContext) {
      const key = keyOf(error);
      if (spanContext && key) claimed.set(key, spanContext);
      return error;
    },
    stop() {
      globalThis.removeEventListener?.('error', onError);
      globalThis.removeEventListener?.('unhandledrejection', onRejection);
    },
  };
}
