import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createTracing } from '@wideline/core';

// Processors run inside their span; the wide-event API follows the active span.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** A Wideline pipeline exporting to memory, not registered globally. */
export function memoryTracing() {
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing({ serviceName: 'test', register: false, exporter, batch: { scheduledDelayMs: 5 } });
  const finished = async () => {
    await tracing.forceFlush();
    return exporter.getFinishedSpans();
  };
  return { tracing, exporter, finished };
}
