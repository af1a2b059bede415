/**
 * The whole waterfall of a generated trace, byte for byte, against a committed file: any change to
 * what `wideline trace` prints (tree, columns, bars, colours, notes, time per service, critical path)
 * shows up here as a diff. The trace goes through the same steps as the CLI's: an OTLP-JSON answer,
 * `spansFromOtlp`, `TraceGraph.fromSpans`, `renderWaterfall`. A deliberate change to the output is
 * accepted with `vitest run --project query -u` and reviewed in the diff of the golden file.
 */
import { describe, expect, it } from 'vitest';
import { type LinkedTrace, renderWaterfall, spansFromOtlp, TraceGraph } from '../src/index.ts';
import type { OtlpTracesBody } from '../src/otlp.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const OTHER = '0123456789abcdef0123456789abcdef';
const EPOCH_US = 1_790_000_000_000_000;
const SERVICES = [
  'web',
  'edge-api',
  'orders',
  'payments',
  'inventory-reservations-service-eu-west',
  'jobs',
  'ledger',
  'notifications',
];
const NAMES = [
  'GET /items',
  'POST /orders',
  'db.query SELECT * FROM orders WHERE customer_id = $1 AND status IN ($2, $3)',
  'cache.get',
  'render',
  'validate',
];

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type OtlpSpan = Record<string, unknown> & { spanId: string };
type Made = { span: OtlpSpan; service: string; startUs: number; endUs: number; depth: number };

/** About 250 spans: fan-out up to 12 levels deep, errors with exceptions, orphans, skewed hosts, links, a job. */
function generatedTrace(): { byService: Map<string, OtlpSpan[]>; made: Made[] } {
  const rand = prng(7);
  const made: Made[] = [];
  const id = (n: number) => n.toString(16).padStart(16, '0');
  const add = (parent: Made | undefined, service: string, startUs: number, endUs: number, extra = {}) => {
    const i = made.length;
    const failed = i % 37 === 11;
    const span: OtlpSpan = {
      traceId: TRACE.toUpperCase(),
      spanId: id(i + 1),
      ...(parent ? { parentSpanId: parent.span.spanId } : {}),
      name: parent ? NAMES[Math.floor(rand() * NAMES.length)] : 'click checkout',
      kind: parent && parent.service !== service ? 2 : parent ? 1 : 3,
      startTimeUnixNano: `${EPOCH_US + Math.round(startUs)}000`,
      endTimeUnixNano: `${EPOCH_US + Math.round(endUs)}000`,
      attributes: [{ key: 'gen.index', value: { intValue: String(i) } }],
      status: failed ? { code: 2, message: i % 2 ? 'upstream failed' : '' } : {},
      events: failed
        ? [
            {
              name: 'exception',
              timeUnixNano: `${EPOCH_US + Math.round(endUs)}000`,
              attributes: [
                { key: 'exception.type', value: { stringValue: 'TimeoutError' } },
                { key: 'exception.message', value: { stringValue: `step ${i} timed out` } },
              ],
            },
          ]
        : [],
      links: [],
      ...extra,
    };
    const node = { span, service, startUs, endUs, depth: parent ? parent.depth + 1 : 0 };
    made.push(node);
    return node;
  };
  const grow = (parent: Made) => {
    if (made.length >= 230 || parent.depth >= 12) return;
    const kids = parent.depth < 2 ? 4 : Math.floor(rand() * 3);
    const dur = parent.endUs - parent.startUs;
    for (let k = 0; k < kids && made.length < 230; k++) {
      const crosses = rand() < 0.4;
      const service = crosses ? SERVICES[Math.floor(rand() * SERVICES.length)]! : parent.service;
      // A host whose clock runs 30 ms behind: its server spans start before their client does.
      const skew = crosses && service === 'ledger' ? -30_000 : 0;
      const start = parent.startUs + (dur * k) / (kids + 1) + skew;
      const child = add(parent, service, start, start + (dur / (kids + 1)) * (0.3 + rand()));
      grow(child);
    }
  };
  const root = add(undefined, 'web', 0, 900_000);
  grow(root);
  // Orphans: their parents never reached Jaeger.
  for (let i = 0; i < 3; i++)
    add(undefined, 'notifications', 100_000 * (i + 1), 100_000 * (i + 1) + 5_000, {
      name: 'send receipt',
      parentSpanId: id(9000 + i),
    });
  // A job that outlives the request, consumed after it ended, linked to its creation and retried elsewhere.
  const job = add(root, 'jobs', 950_000, 1_400_000, {
    name: 'order process',
    kind: 5,
    status: { code: 2, message: 'charge failed' },
    attributes: [
      { key: 'messaging.system', value: { stringValue: 'bullmq' } },
      { key: 'messaging.destination.name', value: { stringValue: 'orders' } },
      { key: 'messaging.message.id', value: { stringValue: '42' } },
      { key: 'messaging.bullmq.job.attempt', value: { intValue: '1' } },
      { key: 'messaging.bullmq.job.max_attempts', value: { intValue: '3' } },
    ],
  });
  add(job, 'payments', 1_000_000, 1_390_000, {
    name: 'compensate reserve',
    links: [
      {
        traceId: TRACE,
        spanId: id(5),
        attributes: [{ key: 'wideline.link.type', value: { stringValue: 'compensates' } }],
      },
      {
        traceId: OTHER,
        spanId: 'aaaaaaaaaaaaaaaa',
        attributes: [{ key: 'wideline.link.type', value: { stringValue: 'creation' } }],
      },
      { traceId: TRACE, spanId: 'ffffffffffffffff', attributes: [] },
      { traceId: OTHER, spanId: 'bbbbbbbbbbbbbbbb', attributes: [] },
    ],
  });
  const byService = new Map<string, OtlpSpan[]>();
  for (const m of made) byService.set(m.service, [...(byService.get(m.service) ?? []), m.span]);
  return { byService, made };
}

function otlpBody(byService: Map<string, OtlpSpan[]>): OtlpTracesBody {
  return {
    result: {
      resourceSpans: [...byService].map(([service, spans]) => ({
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ spans }],
      })),
    },
  } as OtlpTracesBody;
}

/** The trace the job's creation link points at, holding its second (failed) attempt. */
function linkedTrace(): LinkedTrace {
  const attempt = (spanId: string, name: string, startUs: number, extra = {}) => ({
    traceId: OTHER,
    spanId,
    name,
    kind: 5,
    startTimeUnixNano: `${EPOCH_US + startUs}000`,
    endTimeUnixNano: `${EPOCH_US + startUs + 50_000}000`,
    ...extra,
  });
  const spans = spansFromOtlp(
    otlpBody(
      new Map([
        [
          'jobs',
          [
            attempt('aaaaaaaaaaaaaaaa', 'order process', 2_000_000, {
              status: { code: 2, message: 'card declined' },
              attributes: [
                { key: 'messaging.system', value: { stringValue: 'bullmq' } },
                { key: 'messaging.destination.name', value: { stringValue: 'orders' } },
                { key: 'messaging.message.id', value: { stringValue: '42' } },
                { key: 'messaging.bullmq.job.attempt', value: { intValue: '2' } },
                { key: 'messaging.bullmq.job.max_attempts', value: { intValue: '3' } },
              ],
            }),
          ],
        ],
      ]),
    ),
  );
  return { graph: TraceGraph.fromSpans(spans), relation: 'continuation' };
}

describe('the waterfall of a generated trace', () => {
  const { byService, made } = generatedTrace();
  const graph = TraceGraph.fromSpans(spansFromOtlp(otlpBody(byService)));
  const linked = [linkedTrace()];

  it('covers what the waterfall marks', () => {
    expect(graph.size).toBe(made.length);
    expect(graph.orphans).toHaveLength(3);
    expect(graph.errors().length).toBeGreaterThan(5);
    expect(graph.ordered.some((n) => n.skewUs !== 0)).toBe(true);
    expect(Math.max(...graph.ordered.map((n) => n.depth))).toBeGreaterThanOrEqual(10);
  });

  it('prints exactly the committed waterfall, in colour at 120 columns and plain at 80', async () => {
    const coloured = renderWaterfall(graph, { color: true, width: 120, jaegerUrl: 'http://jaeger:16686', linked });
    const plain = renderWaterfall(graph, { width: 80, jaegerUrl: 'http://jaeger:16686', linked });
    const text = `${coloured.join('\n')}\n\n----- plain, 80 columns -----\n\n${plain.join('\n')}\n`;
    await expect(text).toMatchFileSnapshot('./fixtures/waterfall-golden.txt');
  });
});
