/**
 * Composition with `@sentry/cloudflare`. Sentry's SDK keeps error reporting; Wideline keeps tracing:
 * one tracer provider (Wideline's — leave Sentry's `enableOpenTelemetrySetup` at its default,
 * `false`), one `fetch` instrumentation (Wideline's — drop Sentry's `Fetch` integration), and every
 * Sentry event stamped with the Wideline trace id and a Jaeger link by {@link widelineSentry}.
 *
 * Supported order: `instrument(withSentry(options, handler), config)` — Wideline outermost. A
 * handler's thrown error then reaches `withSentry` first, which captures it (inside Wideline's span)
 * and rethrows; Wideline records it and answers the 500 with `traceresponse`. `withSentry` captures
 * only what is thrown through it: outside Wideline it would never see the error.
 *
 * @module
 */
import { isSpanContextValid, type SpanContext, trace } from '@opentelemetry/api';
import { errorSpanContext, type SentryEventLike, stampSentryEvent } from '@wideline/core/sdk';
import { currentIsolateRuntime } from './config';

/** The parts of a Sentry integration this module provides (structural: no Sentry import). */
export interface WidelineSentryIntegration {
  name: 'Wideline';
  processEvent<E extends SentryEventLike>(event: E, hint: { originalException?: unknown }): E;
}

/** Options for {@link widelineSentry}. */
export interface WidelineSentryOptions {
  /** Jaeger UI base URL for the link on each event. Default: the Worker config's `jaegerUiUrl`
   * (`WIDELINE_JAEGER_UI_URL`, else `http://localhost:16686`). */
  jaegerUiUrl?: string;
}

/**
 * A Sentry integration that stamps each event with the trace it happened in: the error's own span
 * (Wideline marks errors thrown out of traced handlers, so this works even when Sentry captures
 * after the span ended), else the active span.
 *
 * @example
 * import * as Sentry from '@sentry/cloudflare';
 * import { instrument, widelineSentry } from '@wideline/worker';
 *
 * export default instrument(
 *   Sentry.withSentry(
 *     (env) => ({ dsn: env.SENTRY_DSN, integrations: (defaults) => [...defaults, widelineSentry()] }),
 *     handler,
 *   ),
 *   { serviceName: 'edge-api' },
 * );
 * // or, with Sentry's Fetch integration dropped and no Sentry trace headers: {@link widelineSentryOptions}
 */
export function widelineSentry(options: WidelineSentryOptions = {}): WidelineSentryIntegration {
  return {
    name: 'Wideline',
    processEvent(event, hint) {
      try {
        const spanContext: SpanContext | undefined =
          errorSpanContext(hint?.originalException) ?? trace.getActiveSpan()?.spanContext();
        return spanContext && isSpanContextValid(spanContext)
          ? stampSentryEvent(
              event,
              spanContext,
              options.jaegerUiUrl ?? currentIsolateRuntime()?.tracing.config.jaegerUiUrl,
            )
          : event;
      } catch {
        return event;
      }
    },
  };
}

/** The part of a Sentry integration that {@link widelineSentryOptions} reads. */
export interface SentryIntegrationLike {
  name: string;
}

/**
 * The `@sentry/cloudflare` options that make Sentry and Wideline one setup: Sentry's `Fetch`
 * integration dropped (Wideline instruments `fetch` and propagates context; two wrappers would
 * double-patch it and send two sets of headers), {@link widelineSentry} added, and no Sentry trace
 * headers on outgoing requests. Spread it into your options.
 *
 * @example
 * export default instrument(
 *   Sentry.withSentry((env) => ({ dsn: env.SENTRY_DSN, ...widelineSentryOptions() }), handler),
 *   { serviceName: 'edge-api' },
 * );
 */
export function widelineSentryOptions(options: WidelineSentryOptions = {}): {
  integrations: <I extends SentryIntegrationLike>(defaults: I[]) => Array<I | WidelineSentryIntegration>;
  tracePropagationTargets: [];
} {
  return {
    integrations: (defaults) => [
      ...defaults.filter((integration) => integration.name !== 'Fetch'),
      widelineSentry(options),
    ],
    tracePropagationTargets: [],
  };
}
