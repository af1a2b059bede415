/**
 * One traced invocation: a span that is the unit's local root (its wide event), the handler run
 * inside its context, errors recorded, and the export flushed under `waitUntil` so that the Worker
 * answers first and exports after — a slow or dead collector costs the response nothing.
 *
 * @internal
 * @module
 */
import {
  type Attributes,
  type Context,
  context,
  type Span,
  type SpanContext,
  type SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { IsolateRuntime } from './config';

/** Where an error thrown out of a traced invocation keeps the span it failed in, for Sentry. */
export const ERROR_SPAN_CONTEXT = Symbol.for('wideline.errorSpanContext');

/** Something with a `waitUntil` (ExecutionContext, DurableObjectState). */
export interface WaitUntilHost {
  waitUntil(promise: Promise<unknown>): void;
}

/** Records `error` on `span` as the unit's failure and marks the error with the span's context. */
export function recordFailure(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  span.setAttribute('error.type', err.name || 'Error');
  if (typeof error === 'object' && error !== null) {
    try {
      Object.defineProperty(error, ERROR_SPAN_CONTEXT, { value: span.spanContext(), configurable: true });
    } catch {
      // Frozen errors simply go without the link.
    }
  }
}

/** The span context an error was thrown in, if a Wideline invocation saw it. */
export function spanContextOfError(error: unknown): SpanContext | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as { [ERROR_SPAN_CONTEXT]?: SpanContext })[ERROR_SPAN_CONTEXT];
}

/** Hands `promise` to the runtime so the isolate stays alive for it; never throws. */
export function keepAlive(host: WaitUntilHost | undefined, promise: Promise<unknown>): void {
  try {
    host?.waitUntil(promise.catch(() => undefined));
  } catch {
    // Outside an invocation there is nothing to keep alive for.
  }
}

/** Flushes the isolate's spans after `after` settles, under `waitUntil`. */
export function flushAfter(runtime: IsolateRuntime, host: WaitUntilHost | undefined, after?: Promise<unknown>): void {
  const flushed = (after ?? Promise.resolve()).then(
    () => runtime.flush(),
    () => runtime.flush(),
  );
  keepAlive(host, flushed);
}

/** What {@link runTraced} needs to start the unit's span. */
export interface TracedUnit {
  name: string;
  kind: SpanKind;
  attributes: Attributes;
  parent: Context;
  links?: { context: SpanContext }[];
  startTime?: number;
}

/**
 * Runs `fn` inside a new span; ends it when `fn` settles, records a thrown error (and rethrows it
 * unchanged), then flushes under `host.waitUntil`.
 */
export async function runTraced<T>(
  runtime: IsolateRuntime,
  host: WaitUntilHost | undefined,
  unit: TracedUnit,
  fn: (span: Span) => T | Promise<T>,
): Promise<T> {
  const span = runtime.tracing.tracer.startSpan(
    unit.name,
    {
      kind: unit.kind,
      attributes: unit.attributes,
      ...(unit.links ? { links: unit.links } : {}),
      ...(unit.startTime !== undefined ? { startTime: unit.startTime } : {}),
    },
    unit.parent,
  );
  try {
    return await context.with(trace.setSpan(unit.parent, span), () => fn(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
    flushAfter(runtime, host);
  }
}
