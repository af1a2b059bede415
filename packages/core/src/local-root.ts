/**
 * Tracks each recording span's local root: the span that began this process's unit of work (no
 * parent, or a remote parent). The wide-event API and the tail sampler both key on it.
 *
 * The root is kept on the span object under a registered symbol instead of in a module-level map, so
 * there is no global state, and two copies of this package in one bundle still agree.
 *
 * @internal
 * @module
 */
import { type Context, type Span, trace } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';

const LOCAL_ROOT = Symbol.for('wideline.localRoot');

type Tracked = { [LOCAL_ROOT]?: Span };

/** The local root of `span`, or `span` itself when it was not started by a Wideline provider. */
export function localRootOf(span: Span): Span {
  return (span as Span & Tracked)[LOCAL_ROOT] ?? span;
}

/** The local root span id of a finished span, for grouping spans by unit of work. */
export function localRootIdOf(span: ReadableSpan): string {
  const root = (span as ReadableSpan & Tracked)[LOCAL_ROOT];
  return root ? root.spanContext().spanId : span.spanContext().spanId;
}

/** Span processor that links every started span to its local root. Runs first in the chain. */
export class LocalRootProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const parent = trace.getSpan(parentContext);
    const parentContextOfSpan = parent?.spanContext();
    const continuesLocalParent =
      parent !== undefined &&
      parentContextOfSpan?.isRemote !== true &&
      parentContextOfSpan?.traceId === span.spanContext().traceId;
    (span as Span & Tracked)[LOCAL_ROOT] = continuesLocalParent ? localRootOf(parent) : span;
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
