import { describe, expect, it } from 'vitest';
import { explainFailure, renderWaterfall, renderWhy, TraceGraph } from '../src/index.ts';
import { stripAnsi } from '../src/style.ts';
import { failed, sagaTrace, span, TRACE_ID } from './helpers.ts';

const JAEGER = 'http://localhost:16686';

describe('waterfall', () => {
  const lines = renderWaterfall(TraceGraph.fromSpans(sagaTrace()), { width: 120, jaegerUrl: JAEGER });

  it('heads with the trace summary and the Jaeger UI link', () => {
    expect(lines[0]).toBe(`Trace ${TRACE_ID}  4 services · 10 spans · 400 ms · ✗ 2 errors`);
    expect(lines[1]).toBe(`${JAEGER}/trace/${TRACE_ID}`);
  });

  it('draws one line per span with service, tree, duration and a bar in time order', () => {
    const spanLines = lines.filter((l) => /^(web|edge-api|jobs|jobs-worker)\s/.test(l));
    expect(spanLines).toHaveLength(10);
    const row = (name: string) => spanLines.find((l) => l.includes(name))!;
    expect(row('click checkout')).toMatch(/^web\s+click checkout\s+40\.0 ms\s+█/);
    expect(row('order.charge')).toMatch(/^jobs-worker {14}├─ order\.charge ✗\s+120 ms\s+[█▒]+$/);
    expect(row('order.reserve-stock compensate')).toContain('└─ order.reserve-stock compensate');
    // Bars sit on the trace's timeline: the job's bar starts far to the right of the request's.
    const barStart = (l: string) => l.search(/[█▒]/);
    expect(barStart(row('order process'))).toBeGreaterThan(barStart(row('click checkout')) + 3);
    expect(lines.every((l) => l.length <= 120)).toBe(true);
  });

  it('notes errors and links under their span', () => {
    const charge = lines.findIndex((l) => l.includes('├─ order.charge'));
    expect(lines[charge + 1]?.trim()).toBe('✗ PaymentDeclined: card declined');
    const compensation = lines.findIndex((l) => l.includes('└─ order.reserve-stock compensate'));
    expect(lines.slice(compensation + 1, compensation + 3).map((l) => l.trim())).toEqual([
      '↪ compensates → order.reserve-stock (jobs-worker)',
      '↪ failed_step → order.charge (jobs-worker)',
    ]);
  });

  it('ends with time per service and the critical path', () => {
    const text = lines.join('\n');
    expect(text).toMatch(/Time per service \(self time\)\n {2}jobs-worker .*\d+%/);
    const head = lines.findIndex((l) => l.startsWith('Critical path ◆'));
    expect(lines[head + 1]).toMatch(/^ {2}click checkout \(web\) 1\.00 ms → POST \/api\/orders \(web\)/);
    expect(lines.slice(head + 1).join(' ')).toMatch(
      /→ order\.charge \(jobs-worker\) 120 ms\s+→ order\.reserve-stock compensate \(jobs-worker\) 130 ms$/,
    );
  });

  it('marks orphans and clock-skew corrections', () => {
    const graph = TraceGraph.fromSpans([
      span('root', undefined, 0, 100, { kind: 'client', service: 'a' }),
      span('srv', 'root', -50, 40, { kind: 'server', service: 'b' }),
      span('lost', 'ffffffffffffffff', 10, 20),
    ]);
    const out = renderWaterfall(graph, { jaegerUrl: JAEGER }).join('\n');
    expect(out).toContain('⚠ 1 orphaned');
    expect(out).toContain('lost ⚠');
    expect(out).toContain('⚠ orphan: parent ffffffffffffffff is not in the trace');
    expect(out).toContain('⏱ clock skew corrected by 55.0 ms');
  });

  it('notes a skew correction once, where it starts, and not when it is within clock resolution', () => {
    const graph = TraceGraph.fromSpans([
      span('root', undefined, 0, 100, { kind: 'client', service: 'a' }),
      span('srv', 'root', -50, 40, { kind: 'server', service: 'b' }),
      span('srv.child', 'srv', -45, 10, { service: 'b' }),
      span('edge', 'root', 60, 61, { kind: 'client', service: 'a' }),
      // starts 0.5 ms before its caller: within workerd's 1 ms clock resolution
      span('edge.srv', 'edge', 59.5, 60.5, { kind: 'server', service: 'workerd' }),
    ]);
    const out = renderWaterfall(graph, { jaegerUrl: JAEGER }).join('\n');
    expect(out.match(/⏱ clock skew corrected/g)).toHaveLength(1);
    expect(graph.get('edge.srv')!.skewUs).not.toBe(0);
  });

  it('adds colour only when asked, without changing the text', () => {
    const coloured = renderWaterfall(TraceGraph.fromSpans(sagaTrace()), {
      color: true,
      width: 120,
      jaegerUrl: JAEGER,
    });
    expect(coloured.join('\n')).toContain('\x1b[31m');
    expect(coloured.map(stripAnsi)).toEqual(lines);
  });
});

describe('why', () => {
  it('names the failing step, its error, the propagation and the compensation', () => {
    const report = explainFailure(TraceGraph.fromSpans(sagaTrace()), JAEGER);
    expect(report.failure).toMatchObject({
      name: 'order.charge',
      service: 'jobs-worker',
      messages: ['PaymentDeclined: card declined'],
    });
    const out = renderWhy(report);
    expect(out[0]).toBe(`✗ Trace ${TRACE_ID} failed at jobs-worker › order.charge (250 ms into the trace)`);
    const text = out.join('\n');
    expect(text).toContain('Failure path\n  web          click checkout\n  web          └─ POST /api/orders');
    expect(text).toMatch(/jobs-worker\s+└─ order\.charge ✗ {2}← root cause/);
    expect(out[2]).toBe('Failed saga step: charge (saga order o-42)');
    expect(text).toContain(
      'Error\n  PaymentDeclined: card declined\n  propagated to:\n    order process — charge failed',
    );
    expect(text).toContain('✓ order.reserve-stock compensate  undid reserve-stock after charge failed');
    expect(text).toContain('Saga outcome (order o-42): compensated');
  });

  it('says when a compensation failed, and why', () => {
    const out = renderWhy(explainFailure(TraceGraph.fromSpans(sagaTrace(true)), JAEGER)).join('\n');
    expect(out).toContain(
      '✗ order.reserve-stock compensate  undid reserve-stock after charge failed — compensation FAILED',
    );
    expect(out).toContain('Error: ECONNREFUSED');
  });

  it('says so when nothing failed', () => {
    const report = explainFailure(TraceGraph.fromSpans([span('ok', undefined, 0, 1)]), JAEGER);
    expect(report.failed).toBe(false);
    expect(renderWhy(report)[0]).toBe(`✓ Trace ${TRACE_ID} has no failed spans.`);
  });

  it('lists failures unrelated to the root cause separately', () => {
    const report = explainFailure(
      TraceGraph.fromSpans([
        span('r', undefined, 0, 100),
        span('a', 'r', 0, 10, failed('first')),
        span('b', 'r', 20, 30, failed('second')),
      ]),
      JAEGER,
    );
    expect(report.failure?.spanId).toBe('a');
    expect(renderWhy(report).join('\n')).toContain('Other failures\n  ✗ svc › b: second');
  });
});

describe('spans the browser left without a parent', () => {
  const OTHER = 'f'.repeat(32);
  const candidate = (spanId: string) => ({
    traceId: OTHER,
    spanId,
    attributes: { 'wideline.link.type': 'candidate_parent', 'wideline.link.reason': 'overlapping_activities' },
  });
  const graph = TraceGraph.fromSpans([
    span('aaaaaaaaaaaaaaaa', undefined, 0, 40, {
      name: 'GET',
      kind: 'client',
      service: 'web',
      links: [candidate('1111111111111111'), candidate('2222222222222222')],
    }),
  ]);

  it('shows each candidate link with its reason in the waterfall and in why', () => {
    const waterfall = renderWaterfall(graph, { jaegerUrl: JAEGER }).map((l) => l.trim());
    expect(waterfall).toContain(
      `↪ candidate_parent (overlapping_activities) → span 1111111111111111 in trace ${OTHER}`,
    );
    const why = renderWhy(explainFailure(graph, JAEGER));
    expect(why.slice(2)).toEqual([
      '',
      'Parent not known (the browser could not tell which interaction owns these)',
      `  GET: ↪ candidate_parent (overlapping_activities) → span 1111111111111111 in trace ${OTHER}`,
      `  GET: ↪ candidate_parent (overlapping_activities) → span 2222222222222222 in trace ${OTHER}`,
    ]);
  });
});
