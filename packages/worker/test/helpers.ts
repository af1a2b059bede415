import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import instrumented, { type Env, exporter } from './fixtures/unit-worker';

/** The instrumented default export, typed by how the runtime calls it. */
export const worker = instrumented as unknown as {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response>;
  scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void>;
  queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void>;
};

export { SpanKind };

/** Every span exported so far. */
export function spans(): ReadableSpan[] {
  return exporter.getFinishedSpans();
}

export function reset(): void {
  exporter.reset();
}

/** Polls the in-memory exporter until `pick` finds something (spans are flushed under waitUntil). */
export async function waitFor<T>(pick: (all: ReadableSpan[]) => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = pick(spans());
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out; spans so far: ${spans()
          .map((s) => s.name)
          .join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function named(name: string): (all: ReadableSpan[]) => ReadableSpan | undefined {
  return (all) => all.find((s) => s.name === name);
}

export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const PARENT_ID = '00f067aa0ba902b7';
export const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;
