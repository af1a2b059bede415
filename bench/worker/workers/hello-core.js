// Core's pipeline alone, for the bundle-size table: what `createTracing` brings (config and OTEL_*
// variables, head and tail sampling, redaction, the W3C propagator, batching, the wide-event log)
// over the floor, with an exporter that keeps nothing.
import { createTracing } from '@wideline/core';

const exporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
let tracing;

export default {
  fetch(_request, env) {
    tracing ??= createTracing({ serviceName: 'hello', env, exporter });
    tracing.tracer.startSpan('GET').end();
    return new Response('hello');
  },
};
