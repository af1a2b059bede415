// A deterministic synthetic trace shaped like a busy user action: 12 services, a request tree a few
// levels deep with fan-out, asynchronous jobs that outlive the request, ~1% failed spans with
// exception events, and saga compensations linked to the steps they undo. Exported as OTLP-JSON
// requests of at most `batch` spans each.
import { randomBytes } from 'node:crypto';

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = [
  'web',
  'edge-api',
  'orders',
  'payments',
  'inventory',
  'shipping',
  'users',
  'search',
  'notifications',
  'jobs',
  'ledger',
  'pricing',
];
const OPS = [
  'GET /items',
  'POST /orders',
  'db.query',
  'cache.get',
  'http.call',
  'render',
  'queue.add',
  'job.process',
  'validate',
  'serialize',
];

/** Spans of one trace: `{ service, span }` with OTLP-JSON span bodies. */
export function syntheticTrace(count, seed = 42, startMs = Date.now() - 60_000) {
  const rand = prng(seed);
  const traceId = randomBytes(16).toString('hex');
  const out = [];
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const make = (parent, service, startUs, endUs, depth) => {
    const spanId = randomBytes(8).toString('hex');
    const failed = rand() < 0.01;
    const name = pick(OPS);
    const span = {
      traceId,
      spanId,
      ...(parent ? { parentSpanId: parent.span.spanId } : {}),
      name: depth === 0 ? 'click checkout' : name,
      kind: parent && parent.service !== service ? 2 : 1,
      startTimeUnixNano: `${BigInt(Math.round(startUs)) * 1000n}`,
      endTimeUnixNano: `${BigInt(Math.round(endUs)) * 1000n}`,
      attributes: [
        { key: 'bench.index', value: { intValue: String(out.length) } },
        { key: 'http.route', value: { stringValue: `/r/${Math.floor(rand() * 50)}` } },
      ],
      status: failed ? { code: 2, message: 'synthetic failure' } : {},
      events: failed
        ? [
            {
              name: 'exception',
              timeUnixNano: `${BigInt(Math.round(endUs)) * 1000n}`,
              attributes: [
                { key: 'exception.type', value: { stringValue: 'Error' } },
                { key: 'exception.message', value: { stringValue: 'synthetic failure' } },
              ],
            },
          ]
        : [],
      links: [],
    };
    const node = { service, span, startUs, endUs, depth };
    out.push(node);
    return node;
  };
  const t0 = startMs * 1000;
  const root = make(undefined, 'web', t0, t0 + 2_000_000, 0);
  const queue = [root];
  while (out.length < count) {
    const parent = queue.shift() ?? root;
    const kids = parent.depth >= 7 ? 0 : 1 + Math.floor(rand() * 6);
    const span = parent.endUs - parent.startUs;
    let cursor = parent.startUs + span * 0.02;
    for (let i = 0; i < kids && out.length < count; i++) {
      const service = rand() < 0.3 ? pick(SERVICES) : parent.service;
      const async = rand() < 0.05;
      const len = async ? span * (0.5 + rand()) : (span / (kids + 1)) * (0.3 + rand() * 0.7);
      const start = async ? parent.endUs - span * 0.1 : cursor;
      const child = make(parent, service, start, start + Math.max(1, len), parent.depth + 1);
      cursor = Math.min(parent.endUs, start + len);
      queue.push(child);
      // Every 200th span is a saga compensation linked to an earlier sibling step it undoes.
      if (out.length % 200 === 0 && parent.depth > 0) {
        child.span.name = 'step.compensate';
        child.span.attributes.push(
          { key: 'wideline.saga.role', value: { stringValue: 'compensation' } },
          { key: 'wideline.saga.compensates', value: { stringValue: 'step' } },
        );
        child.span.links.push({
          traceId,
          spanId: parent.span.spanId,
          attributes: [{ key: 'wideline.link.type', value: { stringValue: 'compensates' } }],
        });
      }
    }
  }
  return { traceId, spans: out };
}

/** OTLP-JSON request bodies of at most `batch` spans, one resource per service. */
export function otlpBatches(spans, batch = 1000) {
  const bodies = [];
  for (let i = 0; i < spans.length; i += batch) {
    const byService = new Map();
    for (const { service, span } of spans.slice(i, i + batch)) {
      if (!byService.has(service)) byService.set(service, []);
      byService.get(service).push(span);
    }
    bodies.push({
      resourceSpans: [...byService].map(([service, list]) => ({
        resource: { attributes: [{ key: 'service.name', value: { stringValue: `bench-query-${service}` } }] },
        scopeSpans: [{ scope: { name: 'bench' }, spans: list }],
      })),
    });
  }
  return bodies;
}
