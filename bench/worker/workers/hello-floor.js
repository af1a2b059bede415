// The floor of any OpenTelemetry Worker, for the bundle-size table: the API, the SDK's provider and
// spans (@opentelemetry/sdk-trace, which sdk-trace-base re-exports behind an env-config shim), an
// OTLP/JSON encoder (core's, the one Wideline uses) and fetch — one span per request, exported as it
// ends. No config, sampling, propagation, redaction or batching.
import { trace } from '@opentelemetry/api';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { encodeResourceSpans, joinResourceSpans } from '@wideline/core/sdk';

const exporter = {
  export(spans, done) {
    const body = joinResourceSpans([encodeResourceSpans(spans)]);
    fetch('http://collector.test/v1/traces', { method: 'POST', body }).then(
      () => done({ code: 0 }),
      () => done({ code: 1 }),
    );
  },
  shutdown: async () => {},
};
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));

export default {
  fetch() {
    trace.getTracer('hello').startSpan('GET').end();
    return new Response('hello');
  },
};
