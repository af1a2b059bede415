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
import { getNumberFromEnv } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { SpanLimits } from '@opentelemetry/sdk-trace-base';
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
    spanLimits: spanLimitsFromEnv(),
    ...options,
  });
}

/**
 * The specification's span-limit variables (`OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`, …, with the general
 * `OTEL_ATTRIBUTE_*` ones under them), as `sdk-trace-base`'s `BasicTracerProvider` read them: core
 * builds on the SDK's plain `TracerProvider`, which reads no variables.
 */
function spanLimitsFromEnv(): SpanLimits {
  const limits: SpanLimits = {};
  const set = (key: keyof SpanLimits, name: string, general?: string) => {
    const value = getNumberFromEnv(name) ?? (general ? getNumberFromEnv(general) : undefined);
    if (value !== undefined) limits[key] = value;
  };
  set('attributeCountLimit', 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT');
  set('attributeValueLengthLimit', 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT');
  set('eventCountLimit', 'OTEL_SPAN_EVENT_COUNT_LIMIT');
  set('linkCountLimit', 'OTEL_SPAN_LINK_COUNT_LIMIT');
  set('attributePerEventCountLimit', 'OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT');
  set('attributePerLinkCountLimit', 'OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT');
  return limits;
}
