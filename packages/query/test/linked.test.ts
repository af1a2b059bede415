import { describe, expect, it } from 'vitest';
import {
  explainFailure,
  followLinks,
  jobAttempts,
  renderWaterfall,
  renderWhy,
  type Span,
  TraceGraph,
  TraceNotFoundError,
} from '../src/index.ts';
import { failed, span } from './helpers.ts';

// A request (R) whose job failed its first attempt; attempts 2 and 3 ran in traces of their own
// (the link policy), each linked to the job's creation span in R and to the attempt before.
const R = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const T2 = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const T3 = 'cccccccccccccccccccccccccccccccc';
const job = {
  'messaging.system': 'bullmq',
  'messaging.destination.name': 'shipping',
  'messaging.message.id': 'order/o1/ship',
};
const link = (traceId: string, spanId: string, type: string) => ({
  traceId,
  spanId,
  attributes: { 'wideline.link.type': type },
});
const attempt = (n: number, extra: Record<string, unknown> = {}) => ({
  ...job,
  'messaging.bullmq.job.name': 'ship',
  'messaging.bullmq.job.attempt': n,
  'messaging.bullmq.job.max_attempts': 3,
  'messaging.bullmq.job.outcome': n < 3 ? 'retry' : 'failed',
  'messaging.bullmq.job.start_reason': n === 1 ? 'fresh' : 'retry',
  ...extra,
});
const inTrace = (traceId: string, spans: Span[]) => spans.map((s) => ({ ...s, traceId }));

const TRACES: Record<string, Span[]> = {
  [R]: inTrace(R, [
    span('r1', undefined, 0, 50, { name: 'POST /orders', service: 'jobs', kind: 'server' }),
    span('r2', 'r1', 1, 3, { name: 'send shipping', service: 'jobs', kind: 'producer' }),
    span('r3', 'r2', 5, 20, {
      name: 'process shipping',
      service: 'jobs',
      kind: 'consumer',
      attributes: attempt(1),
      ...failed('ship: courier unavailable', { type: 'StepFailedError', message: 'ship: courier unavailable' }),
    }),
  ]),
  [T2]: inTrace(T2, [
    span('s1', undefined, 300, 320, {
      name: 'process shipping',
      service: 'jobs',
      kind: 'consumer',
      attributes: attempt(2, { 'wideline.origin.trace_id': R }),
      links: [link(R, 'r2', 'creation'), link(R, 'r3', 'previous_attempt')],
      ...failed('ship: courier unavailable'),
    }),
  ]),
  [T3]: inTrace(T3, [
    span('t1', undefined, 600, 620, {
      name: 'process shipping',
      service: 'jobs',
      kind: 'consumer',
      attributes: attempt(3, { 'wideline.origin.trace_id': R }),
      links: [link(R, 'r2', 'creation'), link(T2, 's1', 'previous_attempt')],
      ...failed('ship: courier unavailable'),
    }),
  ]),
};

/** A Jaeger with these traces: fetch by id, search by `wideline.origin.trace_id`. */
function fakeJaeger(traces: Record<string, Span[]>) {
  const searches: string[] = [];
  return {
    searches,
    jaeger: {
      async getTrace(traceId: string) {
        const spans = traces[traceId];
        if (!spans) throw new TraceNotFoundError(traceId, 'http://jaeger');
        return { traceId, spans, api: 'v3' as const };
      },
      async findTraceIds(search: { service: string; key: string; value: string }) {
        searches.push(`${search.service} ${search.key}=${search.value}`);
        return Object.entries(traces)
          .filter(([, spans]) =>
            spans.some((s) => s.service === search.service && s.attributes[search.key] === search.value),
          )
          .map(([id]) => id);
      },
    },
  };
}

const graphOf = (id: string) => TraceGraph.fromSpans(TRACES[id] as Span[]);

describe('following a retried job across traces', () => {
  it('from the request: finds the later attempts by their origin trace id, in order', async () => {
    const { jaeger, searches } = fakeJaeger(TRACES);
    const linked = await followLinks(jaeger, graphOf(R));
    expect(linked.map((l) => [l.graph.traceId, l.relation])).toEqual([
      [T2, 'continuation'],
      [T3, 'continuation'],
    ]);
    expect(searches).toEqual([`jobs wideline.origin.trace_id=${R}`]);
    const [ship] = jobAttempts(graphOf(R), linked);
    expect(ship?.attempts.map((a) => [a.attempt, a.traceId, a.failed])).toEqual([
      [1, R, true],
      [2, T2, true],
      [3, T3, true],
    ]);
  });

  it('from the last attempt: back to the request and the attempt before, then forward to every attempt', async () => {
    const { jaeger } = fakeJaeger(TRACES);
    const linked = await followLinks(jaeger, graphOf(T3));
    expect(linked.map((l) => [l.graph.traceId, l.relation])).toEqual([
      [R, 'origin'],
      [T2, 'origin'],
    ]);
    expect(jobAttempts(graphOf(T3), linked)[0]?.attempts.map((a) => a.traceId)).toEqual([R, T2, T3]);
  });

  it('searches for later attempts only from traces that created a job (hold a producer span)', async () => {
    const { jaeger, searches } = fakeJaeger(TRACES);
    const request = inTrace(R, [
      span('q1', undefined, 0, 50, { name: 'GET /orders', service: 'web', kind: 'server' }),
      span('q2', 'q1', 1, 3, { name: 'db.query', service: 'orders', kind: 'client' }),
    ]);
    expect(await followLinks(jaeger, TraceGraph.fromSpans(request))).toEqual([]);
    expect(searches).toEqual([]);
    const last = await followLinks(jaeger, graphOf(T3));
    expect(last.map((l) => l.graph.traceId)).toEqual([R, T2]);
    // From R (which added the job), not from T3 (an attempt, which only links back).
    expect(searches).toEqual([`jobs wideline.origin.trace_id=${R}`]);
  });

  it('still searches from a trace whose producer span is missing (its job attempt is an orphan)', async () => {
    const lost = (TRACES[R] as Span[]).filter((s) => s.kind !== 'producer');
    const { jaeger, searches } = fakeJaeger({ ...TRACES, [R]: lost });
    const linked = await followLinks(jaeger, TraceGraph.fromSpans(lost));
    expect(linked.map((l) => [l.graph.traceId, l.relation])).toEqual([
      [T2, 'continuation'],
      [T3, 'continuation'],
    ]);
    expect(searches).toEqual([`jobs wideline.origin.trace_id=${R}`]);
  });

  it('follows links whose type the store dropped (Badger keeps links, not their attributes)', async () => {
    const untyped = Object.fromEntries(
      Object.entries(TRACES).map(([id, spans]) => [
        id,
        spans.map((s) => ({ ...s, links: s.links.map((l) => ({ ...l, attributes: {} })) })),
      ]),
    );
    const { jaeger } = fakeJaeger(untyped);
    const linked = await followLinks(jaeger, TraceGraph.fromSpans(untyped[T3] as Span[]));
    expect(linked.map((l) => l.graph.traceId)).toEqual([R, T2]);
  });

  it('skips a linked trace Jaeger no longer has, and reads at most maxTraces', async () => {
    const { jaeger } = fakeJaeger({ [R]: TRACES[R] as Span[], [T3]: TRACES[T3] as Span[] });
    expect((await followLinks(jaeger, graphOf(T3))).map((l) => l.graph.traceId)).toEqual([R]);
    const all = fakeJaeger(TRACES);
    expect(await followLinks(all.jaeger, graphOf(R), { maxTraces: 1 })).toHaveLength(1);
  });

  it('why prints every attempt with its trace; the waterfall notes the later ones under the first', async () => {
    const { jaeger } = fakeJaeger(TRACES);
    const graph = graphOf(R);
    const linked = await followLinks(jaeger, graph);
    const why = renderWhy(explainFailure(graph, 'http://jaeger', linked)).join('\n');
    expect(why).toContain('Attempts (retries run in traces of their own)');
    expect(why).toMatch(/✗ attempt 1 of 3 failed this trace/);
    expect(why).toMatch(new RegExp(`✗ attempt 2 of 3 failed → trace ${T2}`));
    expect(why).toMatch(new RegExp(`✗ attempt 3 of 3 failed → trace ${T3}  ship: courier unavailable`));
    const waterfall = renderWaterfall(graph, { jaegerUrl: 'http://jaeger', linked }).join('\n');
    expect(waterfall).toContain(`↪ attempt 3 of 3 failed → trace ${T3}`);
    const fromLast = renderWaterfall(graphOf(T3), {
      jaegerUrl: 'http://jaeger',
      linked: await followLinks(jaeger, graphOf(T3)),
    }).join('\n');
    expect(fromLast).toContain(`↪ creation → send shipping (jobs) in trace ${R}`);
    expect(fromLast).toContain(`↪ previous_attempt → process shipping (jobs) in trace ${T2}`);
  });
});
