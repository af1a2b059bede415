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
  trace,
} from '@opentelemetry/api';
import { recordError } from '@wideline/core';
import type { IsolateRuntime } from './config';
import type { ReservedIds } from './span-ids';

/** Something with a `waitUntil` (ExecutionContext, DurableObjectState). */
export interface WaitUntilHost {
  waitUntil(promise: Promise<unknown>): void;
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
  /** Ids drawn in advance (a WebSocket connection's, which its messages link to). Default: new ones. */
  ids?: ReservedIds;
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
  const start = () =>
    runtime.tracing.tracer.startSpan(
      unit.name,
      {
        kind: unit.kind,
        attributes: unit.attributes,
        ...(unit.links ? { links: unit.links } : {}),
        ...(unit.startTime !== undefined ? { startTime: unit.startTime } : {}),
      },
      unit.parent,
    );
  const span = unit.ids ? runtime.spanIds.startWithIds(unit.ids, start) : start();
  try {
    return await context.with(trace.setSpan(unit.parent, span), () => fn(span));
  } catch (error) {
    recordError(span, error);
    throw error;
  } finally {
    span.end();
    flushAfter(runtime, host);
  }
}
