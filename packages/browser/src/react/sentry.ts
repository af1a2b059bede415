/**
 * The Sentry integration: every event `@sentry/react` (or `@sentry/browser`) sends — from the
 * ErrorBoundary, `captureException` or the global error handlers — carries the trace id of the
 * interaction that failed and a Jaeger link (core's `stampSentryEvent`). The interaction is taken
 * at capture time: the active span, else the activity that ended in the last 10 s, else the page view.
 *
 * Sentry's own tracing must stay off: `browserTracingIntegration` would start a second trace per
 * page load and add `sentry-trace` headers with different ids. The integration warns once if it finds it.
 *
 * @example
 * Sentry.init({ dsn, integrations: [widelineSentryIntegration(browser)] }); // no browserTracingIntegration
 * @module
 */
import { type SpanContext, SpanStatusCode, trace } from '@opentelemetry/api';
import { type SentryEventLike, stampSentryEvent } from '@wideline/core/sdk';
import type { BrowserTracing } from '../init';

/** The parts of a Sentry event the integration reads. */
export interface SentryEvent extends SentryEventLike {
  event_id?: string;
  exception?: unknown;
}

/** The parts of a Sentry client the integration reads. */
export interface SentryClientLike {
  getOptions(): { integrations?: ReadonlyArray<{ name: string }> | unknown; tracesSampleRate?: number | undefined };
  getIntegrationByName?(name: string): unknown;
}

/** A Sentry integration, structurally (no import of a Sentry package). */
export interface WidelineSentryIntegration {
  name: 'Wideline';
  setup(client: SentryClientLike): void;
  preprocessEvent<E extends SentryEvent>(event: E): void;
  processEvent<E extends SentryEvent>(event: E): E;
}

/** Options of {@link widelineSentryIntegration}. */
export interface WidelineSentryOptions {
  /** Jaeger UI base URL for the link. Default: the instance's `jaegerUiUrl`. */
  jaegerUiUrl?: string;
  /** Receives the one warning about Sentry tracing. Default `console.warn`. */
  onWarning?: (message: string) => void;
}

function fromEvent(event: SentryEvent): SpanContext | undefined {
  const otel = event.contexts?.otel as Record<string, unknown> | undefined;
  if (!otel || typeof otel.trace_id !== 'string' || typeof otel.span_id !== 'string') return undefined;
  return { traceId: otel.trace_id, spanId: otel.span_id, traceFlags: Number(otel.trace_flags) || 0 };
}

/** Links Sentry events to Wideline traces. Add it to `Sentry.init({ integrations })`. */
export function widelineSentryIntegration(
  browser: BrowserTracing,
  options: WidelineSentryOptions = {},
): WidelineSentryIntegration {
  const jaegerUiUrl = options.jaegerUiUrl ?? browser.tracing.config.jaegerUiUrl;
  return {
    name: 'Wideline',
    setup(client) {
      if (client.getIntegrationByName?.('BrowserTracing')) {
        (options.onWarning ?? console.warn)(
          '[wideline] Sentry browserTracingIntegration is on: it starts its own traces and sentry-trace headers. ' +
            'Remove it; Wideline traces the page and links Sentry events to its traces.',
        );
      }
    },
    // At capture time: which interaction failed is a question about *now*, not about when the
    // (possibly asynchronous) event pipeline gets to it.
    preprocessEvent(event) {
      try {
        const spanContext = browser.errorSpanContext();
        if (!spanContext) return;
        stampSentryEvent(event, spanContext, jaegerUiUrl);
        const active = trace.getActiveSpan();
        if (event.exception && active?.isRecording()) {
          active.setStatus({ code: SpanStatusCode.ERROR });
          if (event.event_id) active.setAttribute('sentry.event_id', event.event_id);
        }
        browser.pageView?.setAttribute('wideline.errors.last_trace_id', spanContext.traceId);
      } catch {
        // Never stop Sentry from sending.
      }
    },
    // Again after Sentry applied its scope, whose propagation context would otherwise win.
    processEvent(event) {
      const spanContext = fromEvent(event);
      return spanContext ? stampSentryEvent(event, spanContext, jaegerUiUrl) : event;
    },
  };
}
