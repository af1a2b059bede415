/** Unit-test helpers: an in-memory provider for span shape, and a Storage in a Map. */
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { WidelineTracerProvider } from '@wideline/core/sdk';
import { AmbientContextManager } from '../src/context-manager';
import type { StorageLike } from '../src/session';

export function memoryProvider() {
  const exporter = new InMemorySpanExporter();
  // The provider initBrowser builds (core's), so span contexts carry the flags pages send.
  const provider = new WidelineTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const manager = new AmbientContextManager().enable();
  context.setGlobalContextManager(manager);
  trace.setGlobalTracerProvider(provider);
  return {
    manager,
    tracer: provider.getTracer('test'),
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    reset() {
      exporter.reset();
    },
    close() {
      context.disable();
      trace.disable();
    },
  };
}

export class MapStorage implements StorageLike {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}
