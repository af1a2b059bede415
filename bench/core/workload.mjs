// The same workload for every pipeline: traces of one SERVER root and four children, each span with
// the attributes a real HTTP handler sets (one of them a secret Wideline must redact).
import { context, SpanKind, trace } from '@opentelemetry/api';

export const SPANS_PER_TRACE = 5;

export async function runWorkload(tracer, traces) {
  for (let i = 0; i < traces; i++) {
    const root = tracer.startSpan('GET /orders/:id', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/orders/:id',
        'url.full': `https://shop.example/orders/${i}?ref=home`,
        'http.request.header.authorization': 'Bearer sk_live_abcdefghijklmnop',
        'user.id': `u-${i % 1000}`,
      },
    });
    const parent = trace.setSpan(context.active(), root);
    for (let c = 0; c < SPANS_PER_TRACE - 1; c++) {
      const child = tracer.startSpan(
        `db.query ${c}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM orders WHERE id = $1' },
        },
        parent,
      );
      child.setAttribute('db.response.returned_rows', 1);
      child.end();
    }
    root.setAttribute('http.response.status_code', 200);
    root.end();
    // Yield now and then, as a server between requests does, so the exporters get to run.
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
}

/**
 * The first `count` spans of the workload as Wideline's exporter receives them (tail-sampled; redacted
 * unless `redaction` is false), recorded in memory through `createNodeTracing` of the build under test.
 */
export async function recordWorkload(createNodeTracing, count, { redaction = true } = {}) {
  const spans = [];
  const tracing = createNodeTracing({
    serviceName: 'bench',
    register: false,
    ...(redaction ? {} : { redaction: false }),
    exporter: {
      export: (batch, done) => {
        spans.push(...batch);
        done({ code: 0 });
      },
      shutdown: async () => {},
    },
    batch: { maxQueueSize: 65_536, maxExportBatchSize: count },
    sampling: { tail: { probability: 1, slowMs: 60_000 } },
  });
  await runWorkload(tracing.tracer, Math.ceil(count / SPANS_PER_TRACE) * 4);
  await tracing.forceFlush();
  await tracing.shutdown();
  return spans.slice(0, count);
}
