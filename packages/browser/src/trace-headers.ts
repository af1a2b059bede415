/**
 * Hooks that complete the trace headers of an allowed request after they are built, keyed by the
 * instance's tracer. The Sentry integration uses one to fill `baggage` with the dynamic sampling
 * context of the Sentry client, which exists only after `Sentry.init` — later than `initBrowser`.
 *
 * @internal
 * @module
 */
import type { SpanContext, Tracer } from '@opentelemetry/api';

/** Changes `headers` (already holding `traceparent` and the app's extra headers) in place. */
export type TraceHeaderHook = (headers: Record<string, string>, spanContext: SpanContext) => void;

const hooks = new WeakMap<Tracer, Set<TraceHeaderHook>>();

/** Adds a hook for the requests traced with `tracer`; returns its remover. */
export function addTraceHeaderHook(tracer: Tracer, hook: TraceHeaderHook): () => void {
  const set = hooks.get(tracer) ?? new Set();
  hooks.set(tracer, set);
  set.add(hook);
  return () => set.delete(hook);
}

/** Runs the hooks of `tracer`; a failing hook costs its own change only. */
export function applyTraceHeaderHooks(tracer: Tracer, headers: Record<string, string>, spanContext: SpanContext): void {
  for (const hook of hooks.get(tracer) ?? []) {
    try {
      hook(headers, spanContext);
    } catch {
      // The request goes out with the headers it had.
    }
  }
}
