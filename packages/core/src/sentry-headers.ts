/**
 * `sentry-trace` + `baggage` derived from an OpenTelemetry span context, so that a Sentry SDK on the
 * other side of a hop joins the same trace id that Jaeger shows.
 *
 * @module
 */
import { type SpanContext, TraceFlags } from '@opentelemetry/api';
import { type BaggageMember, formatBaggage, parseBaggage } from './baggage';
import type { HeaderValue } from './traceparent';

/** Extra dynamic-sampling-context fields to put in `baggage` as `sentry-<key>`. */
export interface SentryHeaderOptions {
  /** An existing `baggage` header to merge into; its `sentry-*` members are replaced. */
  baggage?: HeaderValue;
  /** e.g. `{ environment: 'production', release: '1.2.3', public_key: '…' }`. */
  dsc?: Record<string, string | undefined>;
}

/**
 * Returns `{ 'sentry-trace', baggage }` for a span context.
 *
 * @example
 * const headers = sentryTraceHeaders(trace.getActiveSpan()!.spanContext(), { dsc: { environment: 'dev' } });
 * fetch(url, { headers });
 */
export function sentryTraceHeaders(
  spanContext: SpanContext,
  options: SentryHeaderOptions = {},
): { 'sentry-trace': string; baggage: string } {
  const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  const entries = new Map<string, BaggageMember>();
  for (const [key, member] of parseBaggage(options.baggage)) {
    if (!key.startsWith('sentry-')) entries.set(key, member);
  }
  entries.set('sentry-trace_id', { value: spanContext.traceId });
  entries.set('sentry-sampled', { value: String(sampled) });
  for (const [key, value] of Object.entries(options.dsc ?? {})) {
    if (value !== undefined) entries.set(`sentry-${key}`, { value });
  }
  return {
    'sentry-trace': `${spanContext.traceId}-${spanContext.spanId}-${sampled ? '1' : '0'}`,
    baggage: formatBaggage(entries),
  };
}
