/**
 * `@wideline/core/node`: `createTracing` set up for a Node service — context across `await` through
 * AsyncLocalStorage, `OTEL_*` read from `process.env`, and `@opentelemetry/exporter-trace-otlp-http`
 * (HTTP keep-alive agents, retries on 429/503) as the exporter. Everything else is core's.
 *
 * @example
 * import { createNodeTracing } from '@wideline/core/node';
 *
 * const tracing = createNodeTracing({ serviceName: 'jobs', sampling: { tail: { slowMs: 500 } } });
 * process.on('SIGTERM', () => void tracing.shutdown());
 * @module
 */
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { WidelineOptions } from './config';
import { createTracing, type TracingRuntime, type WidelineTracing } from './tracing';

/** {@link createTracing} with Node defaults; every option can still be overridden. */
export function createNodeTracing(options: WidelineOptions & TracingRuntime = {}): WidelineTracing {
  return createTracing({
    env: process.env,
    contextManager: new AsyncLocalStorageContextManager(),
    exporter: (config) =>
      new OTLPTraceExporter({
        url: config.tracesEndpoint,
        headers: config.headers,
        timeoutMillis: config.exportTimeoutMs,
      }),
    ...options,
  });
}
