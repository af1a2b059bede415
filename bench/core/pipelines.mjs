// The two pipelines bench/core compares, built the same way by every script here: plain OpenTelemetry
// (BasicTracerProvider + BatchSpanProcessor + OTLPTraceExporter) and Wideline's (createNodeTracing:
// tail sampling keeping everything, redaction, bounded batching, the same OTLPTraceExporter), each
// as { tracer, flush, shutdown, dropped }.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

// Another build of @wideline/core (an absolute path to its dist/node.js) can stand in, to compare
// before and after.
const { createNodeTracing } = await import(process.env.BENCH_CORE_MODULE ?? '@wideline/core/node');

const QUEUE = 65_536;

/** Plain OpenTelemetry; `delayMs`: the batch delay (default 200 ms). */
export function plainOtel(url, delayMs = 200) {
  // The exporter's default concurrencyLimit (30) makes BatchSpanProcessor.forceFlush reject with
  // "Concurrent export limit reached" on a burst of this size; raise it so both pipelines export
  // everything, and count a rejected flush as dropped spans rather than crash.
  let dropped = 0;
  const provider = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url, concurrencyLimit: 1000 }), {
        maxQueueSize: QUEUE,
        maxExportBatchSize: 512,
        scheduledDelayMillis: delayMs,
      }),
    ],
  });
  return {
    tracer: provider.getTracer('bench'),
    flush: () =>
      provider.forceFlush().catch(() => {
        dropped = -1;
      }),
    shutdown: () => provider.shutdown(),
    dropped: () => dropped,
  };
}

/** Wideline's pipeline; `delayMs`: the batch delay (default 200 ms). */
export function wideline(url, delayMs = 200) {
  // createNodeTracing: the same OTLPTraceExporter as the plain pipeline, so the ratio compares pipelines.
  const tracing = createNodeTracing({
    serviceName: 'bench',
    register: false,
    tracesEndpoint: url,
    batch: { maxQueueSize: QUEUE, maxExportBatchSize: 512, scheduledDelayMs: delayMs },
    sampling: { tail: { probability: 1, slowMs: 60_000 } },
  });
  return {
    tracer: tracing.tracer,
    flush: () => tracing.forceFlush(),
    shutdown: () => tracing.shutdown(),
    dropped: () => {
      const s = tracing.stats().export;
      return s.spansDroppedQueueFull + s.spansDroppedExportFailed;
    },
  };
}
