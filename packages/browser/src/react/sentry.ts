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
import { context, type Span, type SpanContext, trace } from '@opentelemetry/api';
import { sentryTraceHeaders } from '@wideline/core';
import { type SentryEventLike, stampSentryEvent } from '@wideline/core/sdk';
import type { BrowserTracing } from '../init';
import { addTraceHeaderHook } from '../trace-headers';

/** The parts of a Sentry event the integration reads. */
export interface SentryEvent extends SentryEventLike {
  event_id?: string;
  exception?: unknown;
}

/** The parts of a Sentry client the integration reads. */
export interface SentryClientLike {
  getOptions(): {
    integrations?: ReadonlyArray<{ name: string }> | unknown;
    tracesSampleRate?: number | undefined;
    environment?: string | undefined;
    release?: string | undefined;
    orgId?: number | string | undefined;
  };
  getDsn?(): { publicKey?: string | undefined; host?: string } | undefined;
  getIntegrationByName?(name: string): unknown;
}

/** What Sentry passes with an event: the thrown value and the event id. */
export interface SentryEventHint {
  originalException?: unknown;
  event_id?: string;
}

/** A Sentry integration, structurally (no import of a Sentry package). */
export interface WidelineSentryIntegration {
  name: 'Wideline';
  setup(client: SentryClientLike): void;
  preprocessEvent<E extends SentryEvent>(event: E, hint?: SentryEventHint): void;
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

/**
 * The client's part of Sentry's dynamic sampling context (what Sentry's own SDK puts in `baggage`
 * for a trace it heads): `public_key`, `environment` (Sentry's default `production`), `release`,
 * `org_id` (the option, else the `o<id>.` of the DSN's host) and `sample_rate` when traces are
 * sampled by rate. `trace_id` and `sampled` come from the span.
 */
export function sentryClientDsc(client: SentryClientLike): Record<string, string | undefined> {
  const options = client.getOptions();
  const dsn = client.getDsn?.();
  const orgFromHost = dsn?.host?.match(/^o(\d+)\./)?.[1];
  const rate = options.tracesSampleRate;
  return {
    public_key: dsn?.publicKey,
    environment: options.environment || 'production',
    release: options.release,
    org_id: options.orgId !== undefined ? String(options.orgId) : orgFromHost,
    sample_rate: typeof rate === 'number' ? String(rate) : undefined,
  };
}

/**
 * Links Sentry events to Wideline traces, records each event's exception on the span it belongs to
 * (with `sentry.event_id`), and completes the `baggage` of requests that carry `sentry-trace` with
 * the client's dynamic sampling context. Add it to `Sentry.init({ integrations })`.
 */
export function widelineSentryIntegration(
  browser: BrowserTracing,
  options: WidelineSentryOptions = {},
): WidelineSentryIntegration {
  const jaegerUiUrl = options.jaegerUiUrl ?? browser.tracing.config.jaegerUiUrl;
  return {
    name: 'Wideline',
    setup(client) {
      try {
        const dsc = sentryClientDsc(client);
        addTraceHeaderHook(browser, (headers, spanContext) => {
          // Only requests the app sends Sentry headers to (extraTraceHeaders: sentryTraceHeaders): the
          // API's CORS allows them there; other allowed origins may not.
          if (headers['sentry-trace'] === undefined) return;
          headers.baggage = sentryTraceHeaders(spanContext, { baggage: headers.baggage, dsc }).baggage;
        });
      } catch {
        // A client without options or DSN: requests keep the baggage they had.
      }
      if (client.getIntegrationByName?.('BrowserTracing')) {
        (options.onWarning ?? console.warn)(
          '[wideline] Sentry browserTracingIntegration is on: it starts its own traces and sentry-trace headers. ' +
            'Remove it; Wideline traces the page and links Sentry events to its traces.',
        );
      }
    },
    // At capture time: which interaction failed is a question about *now*, not about when the
    // (possibly asynchronous) event pipeline gets to it.
    preprocessEvent(event, hint) {
      try {
        const span = eventSpan(browser, event, hint);
        const spanContext = span?.spanContext() ?? browser.errorSpanContext(hint?.originalException);
        if (!spanContext) return;
        stampSentryEvent(event, spanContext, jaegerUiUrl);
        const eventId = event.event_id ?? hint?.event_id;
        if (eventId && span?.isRecording()) span.setAttribute('sentry.event_id', eventId);
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

/**
 * The span a Sentry event belongs to: for an exception, the span its error is recorded on (recorded
 * now if nothing recorded it yet: an ErrorBoundary's error, a `captureException`); for a message,
 * the active span, else the page view.
 */
function eventSpan(browser: BrowserTracing, event: SentryEvent, hint: SentryEventHint | undefined): Span | undefined {
  if (event.exception && hint?.originalException !== undefined) return browser.errors.record(hint.originalException);
  return trace.getSpan(context.active()) ?? browser.pageView;
}
