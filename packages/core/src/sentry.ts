/**
 * The Sentry link: every Sentry event captured inside a traced unit of work carries that unit's
 * OpenTelemetry trace id — in `contexts.trace`, in the envelope's dynamic sampling context (so Sentry's
 * trace view and Jaeger agree), as a `trace_id` tag, and in an `otel` context with a Jaeger link.
 *
 * Structural types only: works with `@sentry/node`, `@sentry/cloudflare`, `@sentry/react` and
 * `@sentry/browser` scopes and clients without importing any of them.
 *
 * @example
 * import * as Sentry from '@sentry/node';
 * import { linkSentry } from '@wideline/core';
 *
 * Sentry.init({ dsn, enableOpenTelemetrySetup: false });
 * linkSentry(Sentry.getGlobalScope(), { jaegerUiUrl: 'http://localhost:16686' });
 * @module
 */
import { isSpanContextValid, type Span, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { jaegerTraceUrl } from './conventions';
import { registeredConfig } from './tracer-provider';

/** The parts of a Sentry event this module writes. */
export interface SentryEventLike {
  // `object`, not `Record<string, unknown>`: Sentry declares its contexts as interfaces, which have no
  // index signature.
  contexts?: Record<string, object | undefined> | undefined;
  tags?: Record<string, unknown> | undefined;
  sdkProcessingMetadata?: Record<string, unknown> | undefined;
}

/** Anything with Sentry's `addEventProcessor` (a Scope or a Client). */
export interface SentryEventProcessorHost<E extends SentryEventLike = SentryEventLike> {
  // Shaped like Sentry's `EventProcessor` (event, hint) so that `E` is inferred as Sentry's `Event`.
  addEventProcessor(processor: (event: E, hint: never) => E | PromiseLike<E | null> | null): unknown;
}

/** Options for {@link linkSentry}. */
export interface SentryLinkOptions {
  /**
   * Jaeger UI base URL. Default: the registered tracing's `jaegerUiUrl` (its option, else
   * `WIDELINE_JAEGER_UI_URL`, else `http://localhost:16686`).
   */
  jaegerUiUrl?: string;
  /** Which span an event belongs to. Default: the active span. */
  getSpan?: () => Span | undefined;
}

/**
 * Writes a span context into a Sentry event (in place) and returns it. `origin` is the context of the
 * trace the unit's own trace is linked to, when it started one of its own (a job's retry): the event
 * then carries that trace id and its Jaeger link too (`origin_trace_id` tag, `otel.origin_*`), so the
 * user's request can be found from the event.
 */
export function stampSentryEvent<E extends SentryEventLike>(
  event: E,
  spanContext: SpanContext,
  jaegerUiUrl?: string,
  origin?: SpanContext,
): E {
  const { traceId, spanId } = spanContext;
  const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  const url = jaegerTraceUrl(traceId, jaegerUiUrl);
  const otel: Record<string, unknown> = {
    trace_id: traceId,
    span_id: spanId,
    trace_flags: spanContext.traceFlags,
    jaeger_url: url,
  };
  const from = origin && origin.traceId !== traceId ? origin : undefined;
  if (from) {
    otel.origin_trace_id = from.traceId;
    otel.origin_span_id = from.spanId;
    otel.origin_jaeger_url = jaegerTraceUrl(from.traceId, jaegerUiUrl);
  }
  event.contexts = {
    ...event.contexts,
    trace: { ...event.contexts?.trace, trace_id: traceId, span_id: spanId },
    otel,
  };
  event.tags = { ...event.tags, trace_id: traceId, ...(from ? { origin_trace_id: from.traceId } : {}) };
  const metadata = event.sdkProcessingMetadata ?? {};
  const dsc = (metadata.dynamicSamplingContext as Record<string, unknown> | undefined) ?? {};
  event.sdkProcessingMetadata = {
    ...metadata,
    dynamicSamplingContext: { ...dsc, trace_id: traceId, sampled: String(sampled) },
  };
  return event;
}

/**
 * Installs an event processor on `host` that stamps each event with the active (or given) span's
 * trace. Events captured outside any span are left as Sentry made them.
 */
export function linkSentry<E extends SentryEventLike>(
  host: SentryEventProcessorHost<E>,
  options: SentryLinkOptions = {},
): void {
  const getSpan = options.getSpan ?? (() => trace.getActiveSpan());
  host.addEventProcessor((event) => {
    try {
      const spanContext = getSpan()?.spanContext();
      return spanContext && isSpanContextValid(spanContext)
        ? stampSentryEvent(event, spanContext, options.jaegerUiUrl ?? registeredConfig()?.jaegerUiUrl)
        : event;
    } catch {
      return event;
    }
  });
}
