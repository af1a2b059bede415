// Core's pipeline alone, for the bundle-size table: the parts a default `instrument()` assembles —
// config and OTEL_* variables (resolveConfig), head sampling, redaction, the W3C propagator,
// batching and the random-trace-id tracer provider — with an exporter that keeps nothing. Tail
// sampling and the wide-event log are the Worker's optional features, so they are not here.
import { W3CPropagator } from '@wideline/core';
import { assembleTracing, createRedactor, resolveConfig } from '@wideline/core/sdk';

const exporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
let tracing;

export default {
  fetch(_request, env) {
    const config = resolveConfig({ serviceName: 'hello' }, env);
    tracing ??= assembleTracing(config, {
      exporter,
      redactor: config.redaction === false ? undefined : createRedactor(config.redaction),
      propagator: new W3CPropagator(),
    });
    tracing.tracer.startSpan('GET').end();
    return new Response('hello');
  },
};
