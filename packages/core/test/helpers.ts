import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createTracing, type WidelineOptions } from '../src/index';
import { assembleTracing, resolveConfig } from '../src/sdk';

// The wide-event API follows the active span, which needs a context manager; one per test process.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** A Wideline pipeline exporting to memory, not registered globally. */
export function memoryTracing(options: WidelineOptions = {}) {
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing({
    serviceName: 'test',
    register: false,
    exporter,
    batch: { scheduledDelayMs: 5 },
    ...options,
  });
  const finished = async () => {
    await tracing.forceFlush();
    return exporter.getFinishedSpans();
  };
  return { tracing, exporter, finished };
}

/**
 * {@link memoryTracing} assembled the way the browser does: without `earlyDrops`, so the SDK decides
 * every span the head sampler drops.
 */
export function sdkDecidedTracing(options: WidelineOptions = {}) {
  const exporter = new InMemorySpanExporter();
  const config = resolveConfig({ serviceName: 'test', batch: { scheduledDelayMs: 5 }, ...options });
  const tracing = assembleTracing(config, { exporter, register: false });
  const finished = async () => {
    await tracing.forceFlush();
    return exporter.getFinishedSpans();
  };
  return { tracing, exporter, finished };
}

/** A deterministic pseudo-random generator for generated corpora. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x1_0000_0000;
  };
}
