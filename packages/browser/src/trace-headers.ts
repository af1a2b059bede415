/**
 * Hooks that complete the trace headers of an allowed request after they are built, held by the
 * running instance: `startBrowser` gives the set to the request instrumentations (their deps'
 * `headerHooks`) and files it under the instance it returns, where `addTraceHeaderHook` finds it.
 * The Sentry integration uses one to fill `baggage` with the dynamic sampling context of the Sentry
 * client, which exists only after `Sentry.init` — later than `initBrowser`.
 *
 * @internal
 * @module
 */
import type { SpanContext } from '@opentelemetry/api';

/** Changes `headers` (already holding `traceparent` and the app's extra headers) in place. */
export type TraceHeaderHook = (headers: Record<string, string>, spanContext: SpanContext) => void;

const byInstance = new WeakMap<object, Set<TraceHeaderHook>>();

/** Files `hooks` (the set the instance's request deps hold) under the running `instance`. */
export function setTraceHeaderHooks(instance: object, hooks: Set<TraceHeaderHook>): void {
  byInstance.set(instance, hooks);
}

/** Adds a hook for the requests traced by `instance` (what `startBrowser` returned); returns its remover. */
export function addTraceHeaderHook(instance: object, hook: TraceHeaderHook): () => void {
  const hooks = byInstance.get(instance) ?? new Set();
  byInstance.set(instance, hooks);
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** Runs `hooks`; a failing hook costs its own change only. */
export function applyTraceHeaderHooks(
  hooks: Iterable<TraceHeaderHook> | undefined,
  headers: Record<string, string>,
  spanContext: SpanContext,
): void {
  for (const hook of hooks ?? []) {
    try {
      hook(headers, spanContext);
    } catch {
      // The request goes out with the headers it had.
    }
  }
}
