/**
 * Marks each span's local root, so that `wideEvent()` from core writes to the interaction, not to
 * the fetch span it was called under. Core keeps this processor internal; it keys on the registered
 * symbol `wideline.localRoot`, which is shared by design, so this copy and core's `wideEvent` agree.
 * (It belongs in core's public API; see the README's note on bundle size.)
 *
 * @internal
 * @module
 */
import { type Context, type Span, trace } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

const LOCAL_ROOT = Symbol.for('wideline.localRoot');

type Tracked = Span & { [LOCAL_ROOT]?: Span };

/** Links every started span to the span that began its unit of work on this page. */
export class LocalRootProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const parent = trace.getSpan(parentContext) as Tracked | undefined;
    const local =
      parent !== undefined &&
      parent.spanContext().isRemote !== true &&
      parent.spanContext().traceId === span.spanContext().traceId;
    (span as Tracked)[LOCAL_ROOT] = local ? (parent[LOCAL_ROOT] ?? parent) : span;
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
