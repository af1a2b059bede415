import { describe, expect, it } from 'vitest';
import { TraceGraph } from '../src/index.ts';
import { names, sagaTrace, span, TRACE_ID } from './helpers.ts';

describe('TraceGraph structure', () => {
  it('links parents and children, orders children by start, and walks the tree depth-first', () => {
    const graph = TraceGraph.fromSpans([
      span('c', 'root', 20, 30),
      span('root', undefined, 0, 100),
      span('a', 'root', 5, 10),
      span('a1', 'a', 6, 7),
    ]);
    expect(graph.traceId).toBe(TRACE_ID);
    expect(graph.root.span.spanId).toBe('root');
    expect(names(graph.childrenOf('root'))).toEqual(['a', 'c']);
    expect(graph.parentOf('a1')?.span.spanId).toBe('a');
    expect(names(graph.ordered)).toEqual(['root', 'a', 'a1', 'c']);
    expect(graph.ordered.map((n) => n.depth)).toEqual([0, 1, 2, 1]);
    expect(names(graph.pathTo('a1'))).toEqual(['root', 'a', 'a1']);
    expect(graph.pathTo('nope')).toEqual([]);
    expect(graph.durationUs).toBe(100_000);
  });

  it('hangs spans whose parent is missing under the root, marked as orphans', () => {
    const graph = TraceGraph.fromSpans([
      span('root', undefined, 0, 100),
      span('lost', 'never-arrived', 50, 60),
      span('lost-child', 'lost', 51, 52),
    ]);
    expect(names(graph.orphans)).toEqual(['lost']);
    const lost = graph.get('lost')!;
    expect(lost.orphan).toBe(true);
    expect(lost.parent?.span.spanId).toBe('root');
    expect(graph.get('lost-child')!.orphan).toBe(false);
    expect(names(graph.ordered)).toEqual(['root', 'lost', 'lost-child']);
  });

  it('picks the earliest orphan as root when no span is a root, and keeps the others under it', () => {
    const graph = TraceGraph.fromSpans([span('x', 'gone', 10, 20), span('y', 'gone', 5, 30)]);
    expect(graph.root.span.spanId).toBe('y');
    expect(names(graph.childrenOf('y'))).toEqual(['x']);
    expect(graph.get('x')!.orphan).toBe(true);
  });

  it('keeps the first of duplicated span ids and breaks parent cycles instead of losing spans', () => {
    const graph = TraceGraph.fromSpans([
      span('root', undefined, 0, 100),
      span('root', undefined, 0, 1, { name: 'duplicate' }),
      span('p', 'q', 10, 20),
      span('q', 'p', 12, 18),
    ]);
    expect(graph.size).toBe(3);
    expect(graph.root.span.name).toBe('root');
    expect(graph.ordered).toHaveLength(3);
    expect(graph.orphans.length).toBe(1);
  });

  it('survives a trace that is nothing but a parent cycle', () => {
    const graph = TraceGraph.fromSpans([span('p', 'q', 10, 20), span('q', 'p', 5, 30)]);
    expect(graph.root.span.spanId).toBe('q');
    expect(names(graph.ordered)).toEqual(['q', 'p']);
  });

  it('handles 10,000-span chains and fans without recursion limits', () => {
    const chain = [span('s0', undefined, 0, 20_000)];
    for (let i = 1; i < 10_000; i++) chain.push(span(`s${i}`, `s${i - 1}`, i, 20_000 - i));
    const deep = TraceGraph.fromSpans(chain);
    expect(deep.get('s9999')!.depth).toBe(9999);
    expect(deep.pathTo('s9999')).toHaveLength(10_000);
    expect(deep.criticalPath().length).toBeGreaterThan(0);

    const fan = [span('r', undefined, 0, 10_000)];
    for (let i = 0; i < 10_000; i++) fan.push(span(`f${i}`, 'r', i, i + 1));
    const wide = TraceGraph.fromSpans(fan);
    expect(wide.childrenOf('r')).toHaveLength(10_000);
  });

  it('resolves links inside the trace and keeps links to other traces as references', () => {
    const graph = TraceGraph.fromSpans([
      span('root', undefined, 0, 10, {
        links: [
          { traceId: TRACE_ID, spanId: 'child', attributes: { 'wideline.link.type': 'compensates' } },
          { traceId: 'f'.repeat(32), spanId: 'abcdef0123456789', attributes: {} },
        ],
      }),
      span('child', 'root', 1, 2),
    ]);
    const [inside, outside] = graph.links();
    expect(inside?.to?.span.spanId).toBe('child');
    expect(inside?.type).toBe('compensates');
    expect(outside?.to).toBeUndefined();
    expect(outside?.traceId).toBe('f'.repeat(32));
  });

  it('lists services in tree order', () => {
    expect(TraceGraph.fromSpans(sagaTrace()).services).toEqual(['web', 'edge-api', 'jobs', 'jobs-worker']);
  });
});

describe('clock skew', () => {
  it('centres a server span that its host clock placed outside the calling client span', () => {
    const graph = TraceGraph.fromSpans([
      span('client', undefined, 100, 200, { kind: 'client', service: 'a' }),
      // b's clock runs 1 s behind: its server span appears to start before the client call.
      span('server', 'client', -900, -820, { kind: 'server', service: 'b' }),
      span('inner', 'server', -890, -830, { service: 'b' }),
    ]);
    const server = graph.get('server')!;
    expect(server.startUs - graph.get('client')!.startUs).toBe(10_000);
    expect(server.endUs - server.startUs).toBe(80_000);
    expect(server.skewUs).toBe(1_010_000);
    // The subtree moves with it, keeping in-process timings intact.
    expect(graph.get('inner')!.startUs - server.startUs).toBe(10_000);
  });

  it('moves an async consumer that appears to start before its producer, but lets it end later', () => {
    const graph = TraceGraph.fromSpans([
      span('produce', undefined, 100, 110, { kind: 'producer', service: 'api' }),
      span('consume', 'produce', 90, 500, { kind: 'consumer', service: 'worker' }),
      span('later', 'produce', 200, 900, { kind: 'consumer', service: 'worker' }),
    ]);
    expect(graph.get('consume')!.startUs).toBe(graph.get('produce')!.startUs);
    expect(graph.get('later')!.skewUs).toBe(0);
  });

  it('leaves spans of the same service alone', () => {
    const graph = TraceGraph.fromSpans([span('p', undefined, 100, 200), span('c', 'p', 50, 60)]);
    expect(graph.get('c')!.skewUs).toBe(0);
  });
});
