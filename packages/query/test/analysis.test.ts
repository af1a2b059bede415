import { describe, expect, it } from 'vitest';
import { TraceGraph } from '../src/index.ts';
import { failed, names, sagaTrace, span } from './helpers.ts';

describe('first failure', () => {
  it('is the deepest ERROR span, not the ancestors the error propagated to', () => {
    const graph = TraceGraph.fromSpans(sagaTrace());
    expect(graph.firstFailure()?.span.name).toBe('order.charge');
    expect(names(graph.pathTo(graph.firstFailure()!.span.spanId))).toEqual([
      'a1',
      'a2',
      'b1',
      'b2',
      'c1',
      'c2',
      'd1',
      'd3',
    ]);
  });

  it('is the earliest-ending of independent root causes', () => {
    const graph = TraceGraph.fromSpans([
      span('root', undefined, 0, 100, failed('request failed')),
      span('late', 'root', 5, 90, failed('late')),
      span('early', 'root', 10, 20, failed('early')),
      span('ok', 'root', 1, 2),
    ]);
    expect(graph.firstFailure()?.span.spanId).toBe('early');
    expect(names(graph.errors())).toEqual(['root', 'late', 'early']);
  });

  it('is the deeper span when a failure and the span it failed end together', () => {
    const graph = TraceGraph.fromSpans([
      span('handler', undefined, 0, 50, failed('request failed')),
      span('query', 'handler', 10, 50, failed('deadlock')),
    ]);
    expect(graph.firstFailure()?.span.spanId).toBe('query');
  });

  it('is an async producer that failed before the job it queued did', () => {
    const graph = TraceGraph.fromSpans([
      span('enqueue', undefined, 0, 20, { kind: 'producer', ...failed('queue full') }),
      span('job', 'enqueue', 100, 300, { kind: 'consumer', service: 'worker', ...failed('timeout') }),
    ]);
    expect(graph.firstFailure()?.span.spanId).toBe('enqueue');
  });

  it('is undefined for a trace without errors', () => {
    expect(TraceGraph.fromSpans([span('root', undefined, 0, 1)]).firstFailure()).toBeUndefined();
  });

  it('collects the status message and recorded exceptions without repeating them', () => {
    const graph = TraceGraph.fromSpans([
      span('root', undefined, 0, 1, failed('card declined', { type: 'PaymentDeclined', message: 'card declined' })),
      span('other', 'root', 0, 1, failed('upstream 503', { type: 'HttpError', message: 'Service Unavailable' })),
    ]);
    expect(graph.errorMessages(graph.get('root')!)).toEqual(['PaymentDeclined: card declined']);
    expect(graph.errorMessages(graph.get('other')!)).toEqual(['upstream 503', 'HttpError: Service Unavailable']);
  });
});

describe('saga compensations', () => {
  it('names the step each compensation undoes and the failed step, through the typed links', () => {
    const graph = TraceGraph.fromSpans(sagaTrace());
    const [c, ...rest] = graph.compensations();
    expect(rest).toHaveLength(0);
    expect(c?.node.span.name).toBe('order.reserve-stock compensate');
    expect(c?.undoesStep).toBe('reserve-stock');
    expect(c?.undoes?.span.spanId).toBe('d2');
    expect(c?.failedStep).toBe('charge');
    expect(c?.failed?.span.spanId).toBe('d3');
    expect(c?.reason).toBe('card declined');
    expect(c?.succeeded).toBe(true);
    expect(graph.sagaOutcomes()).toMatchObject([{ sagaName: 'order', sagaId: 'o-42', outcome: 'compensated' }]);
  });

  it('reports each saga outcome once, though the saga span and the job wide event both carry it', () => {
    const outcome = {
      'wideline.saga.name': 'order',
      'wideline.saga.id': 'o-1',
      'wideline.saga.outcome': 'compensation_failed',
    };
    const graph = TraceGraph.fromSpans([
      span('job', undefined, 0, 10, { attributes: outcome }),
      span('saga', 'job', 1, 9, { attributes: outcome }),
      span('other', 'job', 1, 9, {
        attributes: { ...outcome, 'wideline.saga.id': 'o-2', 'wideline.saga.outcome': 'completed' },
      }),
    ]);
    expect(graph.sagaOutcomes().map((o) => [o.sagaId, o.outcome, o.node.span.spanId])).toEqual([
      ['o-1', 'compensation_failed', 'job'],
      ['o-2', 'completed', 'other'],
    ]);
  });

  it('finds the undone step by saga attributes when links carry no type (legacy API)', () => {
    const spans = sagaTrace().map((s) => ({ ...s, links: s.links.map((l) => ({ ...l, attributes: {} })) }));
    const [c] = TraceGraph.fromSpans(spans).compensations();
    expect(c?.undoes?.span.spanId).toBe('d2');
    expect(c?.failed?.span.spanId).toBe('d3');
  });

  it('reports a compensation that itself failed', () => {
    const [c] = TraceGraph.fromSpans(sagaTrace(true)).compensations();
    expect(c?.succeeded).toBe(false);
  });
});

describe('critical path', () => {
  it('follows the last-finishing child back in time, including async work after the request ended', () => {
    const graph = TraceGraph.fromSpans([
      span('req', undefined, 0, 100),
      span('db', 'req', 10, 40),
      span('cache', 'req', 20, 30),
      span('render', 'req', 50, 90),
      span('job', 'req', 150, 300, { kind: 'consumer', service: 'worker' }),
    ]);
    const path = graph
      .criticalPath()
      .map((s) => [s.node.span.spanId, (s.startUs - graph.startUs) / 1000, (s.endUs - graph.startUs) / 1000]);
    expect(path).toEqual([
      ['req', 0, 10],
      ['db', 10, 40],
      ['req', 40, 50],
      ['render', 50, 90],
      ['req', 90, 100],
      ['job', 150, 300],
    ]);
  });

  it('ends at the end of the trace', () => {
    const graph = TraceGraph.fromSpans(sagaTrace());
    const path = graph.criticalPath();
    expect(path[path.length - 1]!.endUs).toBe(graph.endUs);
    expect(path.map((s) => s.node.span.spanId)).toContain('d4');
  });
});

describe('time per service', () => {
  it('sums self time (duration minus children) per service', () => {
    const graph = TraceGraph.fromSpans([
      span('root', undefined, 0, 100, { service: 'api' }),
      span('a', 'root', 10, 50, { service: 'db' }),
      span('b', 'root', 30, 70, { service: 'db' }),
      span('lost', 'gone', 0, 100, { service: 'cache' }),
    ]);
    const times = Object.fromEntries(graph.serviceTimes().map((t) => [t.service, t.selfUs / 1000]));
    // Overlapping children a and b cover 10..70 once; the orphan does not count as the root's child.
    expect(times).toEqual({ api: 40, db: 80, cache: 100 });
  });
});
