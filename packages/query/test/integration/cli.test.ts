import { JAEGER_QUERY_URL, requireStack, waitForTrace } from '@wideline/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainFailure, type Span, spansFromLegacy, spansFromOtlp, TraceGraph } from '../../src/index.ts';
import { type FixtureSpan, newSpanId, newTraceId, postSpans } from './otlp.ts';
import { closedPort, wideline } from './run-cli.ts';
import { type SagaRun, sagaRun } from './saga-fixture.ts';

const run = `qi-${process.pid}-${newSpanId().slice(0, 4)}`;

/** Wide events of `${run}-api`: one root span per trace, plus an in-service child that is not an event. */
function apiEvents(): FixtureSpan[][] {
  const t0 = Date.now() - 10_000;
  const events: Array<[route: string, ms: number, rate: number, error?: boolean]> = [
    ['/orders', 10, 10],
    ['/orders', 20, 10],
    ['/orders', 30, 10],
    ['/orders', 300, 1, true],
    ['/health', 5, 1],
    ['/health', 5, 1],
  ];
  return events.map(([route, ms, rate, error], i) => {
    const traceId = newTraceId();
    const root = newSpanId();
    const start = t0 + i * 100;
    return [
      {
        traceId,
        spanId: root,
        service: `${run}-api`,
        name: `GET ${route}`,
        kind: 'server',
        startMs: start,
        endMs: start + ms,
        attributes: { 'http.route': route, 'wideline.sample_rate': rate },
        ...(error ? { error: { message: 'upstream timeout' } } : {}),
      },
      {
        traceId,
        spanId: newSpanId(),
        parentSpanId: root,
        service: `${run}-api`,
        name: 'db.query',
        startMs: start + 1,
        endMs: start + 2,
      },
    ];
  });
}

describe('the wideline CLI against the real Jaeger', () => {
  let failing: SagaRun;
  let ok: SagaRun;
  let api: FixtureSpan[][];

  beforeAll(async () => {
    await requireStack();
    failing = sagaRun(run, true);
    ok = sagaRun(run, false);
    api = apiEvents();
    await postSpans([...failing.spans, ...ok.spans]);
    await postSpans(api.flat());
    await Promise.all([
      waitForTrace(failing.traceId, failing.spans.length),
      waitForTrace(ok.traceId, ok.spans.length),
      ...api.map((spans) => waitForTrace(spans[0]!.traceId, spans.length)),
    ]);
  });

  it('trace: draws the waterfall with services, tree, errors, links and the Jaeger link', async () => {
    const { code, stdout, stderr } = await wideline(['trace', failing.traceId]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`Trace ${failing.traceId}  4 services · 12 spans · 400 ms · ✗ 4 errors`);
    expect(lines[1]).toBe(`${JAEGER_QUERY_URL}/trace/${failing.traceId}`);
    const row = (name: string) => lines.find((l) => l.includes(name)) ?? '';
    expect(row('click place-order')).toMatch(new RegExp(`^${run}-web\\s+click place-order\\s+60\\.0 ms`));
    expect(row('orders process')).toMatch(new RegExp(`^${run}-worker\\s+[ │]*└─ orders process ✗\\s+320 ms`));
    expect(row('├─ saga.step charge')).toMatch(/├─ saga\.step charge ✗\s+100 ms/);
    expect(row('POST /payments')).toMatch(/│ └─ POST \/payments ✗\s+80\.0 ms/);
    // Each error is said once, where it arose; its ancestors point at the child it came from.
    expect(stdout).toContain('✗ PaymentDeclinedError: card declined (insufficient funds)');
    expect(stdout).toContain('✗ HTTP 402 Payment Required');
    expect(stdout).toContain('✗ propagated from saga.step charge');
    expect(stdout).toContain('↪ compensates → saga.step reserve-stock');
    expect(stdout).toContain('↪ failed_step → saga.step charge');
    expect(stdout).toMatch(new RegExp(`Time per service \\(self time\\)\\n {2}${run}-worker`));
    expect(stdout).toContain('Critical path ◆');
  });

  it('trace --json: the same tree as data', async () => {
    const { code, stdout } = await wideline(['trace', failing.traceId, '--json']);
    expect(code).toBe(0);
    const data = JSON.parse(stdout) as {
      api: string;
      spans: Array<{ name: string; depth: number; parentSpanId: string | null }>;
      firstFailure: string;
    };
    expect(data.api).toBe('v3');
    expect(data.spans.map((s) => `${'  '.repeat(s.depth)}${s.name}`)).toEqual([
      'click place-order',
      '  POST /api/orders',
      '    POST /api/orders',
      '      POST /orders',
      '        POST /orders',
      '          orders add',
      '            orders process',
      '              saga order',
      '                saga.step reserve-stock',
      '                saga.step charge',
      '                  POST /payments',
      '                saga.compensate reserve-stock',
    ]);
    expect(data.firstFailure).toBe(failing.spans.find((s) => s.name === 'POST /payments')!.spanId);
  });

  it('why: names the failing step, its error and the compensation that undid reserve-stock', async () => {
    const { code, stdout } = await wideline(['why', failing.traceId]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(
      `✗ Trace ${failing.traceId} failed at ${run}-worker › POST /payments (250 ms into the trace)`,
    );
    expect(lines[2]).toBe(`Failed saga step: charge (saga order ${failing.orderId})`);
    expect(stdout).toMatch(/└─ saga\.step charge ✗\n.*└─ POST \/payments ✗ {2}← root cause/);
    expect(stdout).toContain(
      'Error\n  HTTP 402 Payment Required\n  propagated to:\n    saga.step charge — PaymentDeclinedError: card declined (insufficient funds)\n    saga order\n    orders process',
    );
    expect(stdout).toContain(
      'Compensations\n  ✓ saga.compensate reserve-stock  undid reserve-stock after charge failed',
    );
    expect(stdout).toContain(`Saga outcome (order ${failing.orderId}): compensated`);
  });

  it('why: a trace that succeeded says so', async () => {
    const { code, stdout } = await wideline(['why', ok.traceId]);
    expect(code).toBe(0);
    expect(stdout).toContain(`✓ Trace ${ok.traceId} has no failed spans.`);
  });

  it('find: lists the service’s traces, filtered by --where and --errors', async () => {
    const all = await wideline(['find', '--service', `${run}-worker`, '--since', '5m', '--json']);
    expect(all.code).toBe(0);
    const ids = (out: string) => (JSON.parse(out) as Array<{ traceId: string }>).map((t) => t.traceId).sort();
    expect(ids(all.stdout)).toEqual([failing.traceId, ok.traceId].sort());

    const bySaga = await wideline([
      'find',
      '-s',
      `${run}-worker`,
      '--since',
      '5m',
      '--where',
      `wideline.saga.id=${ok.orderId}`,
      '--json',
    ]);
    expect(ids(bySaga.stdout)).toEqual([ok.traceId]);
    const errors = await wideline(['find', '-s', `${run}-worker`, '--since', '5m', '--errors', '--json']);
    expect(ids(errors.stdout)).toEqual([failing.traceId]);
    const none = await wideline(['find', '-s', `${run}-worker`, '--since', '5m', '-w', 'wideline.saga.id=nope']);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^0 traces of .* matching wideline\.saga\.id=nope \(2 scanned\)/);

    const text = await wideline(['find', '-s', `${run}-worker`, '--since', '5m', '--errors']);
    expect(text.stdout).toContain('TRACE ID');
    expect(text.stdout).toMatch(
      new RegExp(`${failing.traceId} .* 400 ms\\s+12\\s+✗ 4\\s+${run}-web: click place-order`),
    );
  });

  it('find: an unknown service is an empty list, not an error', async () => {
    const { code, stdout } = await wideline(['find', '--service', `${run}-nobody`, '--since', '5m']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^0 traces of/);
  });

  it('stats: counts and percentiles weighted by wideline.sample_rate', async () => {
    const { code, stdout } = await wideline([
      'stats',
      '-s',
      `${run}-api`,
      '--by',
      'http.route',
      '--percentiles',
      '50,95,99',
      '--since',
      '5m',
      '--json',
    ]);
    expect(code).toBe(0);
    const data = JSON.parse(stdout) as { traces: number; groups: unknown[] };
    expect(data.traces).toBe(6);
    expect(data.groups).toEqual([
      // 3 fast events kept at 1-in-10 stand for 30; the slow error was kept in full. Weighted p95 is
      // 30 ms (unweighted it would be the 300 ms outlier).
      {
        key: '/orders',
        count: 4,
        weightedCount: 31,
        weightedErrors: 1,
        percentiles: { p50: 20_000, p95: 30_000, p99: 300_000 },
      },
      {
        key: '/health',
        count: 2,
        weightedCount: 2,
        weightedErrors: 0,
        percentiles: { p50: 5000, p95: 5000, p99: 5000 },
      },
    ]);
    const text = await wideline([
      'stats',
      '-s',
      `${run}-api`,
      '--by',
      'http.route',
      '--since',
      '5m',
      '--where',
      'http.route=/orders',
    ]);
    expect(text.stdout).toMatch(
      /http\.route\s+EVENTS\s+WEIGHTED\s+ERRORS\s+P50\s+P95\s+P99\n\/orders\s+4\s+31\s+1\s+20\.0 ms\s+30\.0 ms\s+300 ms/,
    );
    expect(text.stdout).not.toContain('/health');
  });

  it('fails clearly, with exit code 3, when Jaeger is unreachable', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await wideline(['trace', failing.traceId, '--jaeger', `http://127.0.0.1:${port}`]);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `wideline: Jaeger is not reachable at http://127.0.0.1:${port} (ECONNREFUSED). Start the local stack with \`pnpm stack up\`, or point at another Jaeger with --jaeger <url> / WIDELINE_JAEGER_QUERY_URL.\n`,
    );
    const viaEnv = await wideline(['find', '-s', 'x'], { WIDELINE_JAEGER_QUERY_URL: `http://127.0.0.1:${port}` });
    expect(viaEnv.code).toBe(3);
  });

  it('fails with exit code 2 on a malformed trace id, and 4 on an unknown one', async () => {
    const malformed = await wideline(['why', 'not-a-trace-id']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('"not-a-trace-id" is not a trace id: expected 32 hex digits');
    const unknown = newTraceId();
    const missing = await wideline(['trace', unknown]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(`Trace ${unknown} is not in Jaeger at ${JAEGER_QUERY_URL}`);
  });

  it('fails with exit code 2 and the fix on a bad command line', async () => {
    const { code, stderr } = await wideline(['stats', '--by', 'http.route']);
    expect(code).toBe(2);
    expect(stderr).toBe('wideline: wideline stats needs --service <name> (the service.name of the spans to search)\n');
  });
});

describe('the legacy API fallback on real Jaeger data', () => {
  it('reads the same tree from /api/traces as from /api/v3', async () => {
    await requireStack();
    const fixture = sagaRun(`${run}-legacy`, true);
    await postSpans(fixture.spans);
    await waitForTrace(fixture.traceId, fixture.spans.length);
    const v3 = spansFromOtlp(
      (await (await fetch(`${JAEGER_QUERY_URL}/api/v3/traces/${fixture.traceId}`)).json()) as Parameters<
        typeof spansFromOtlp
      >[0],
    );
    const legacy = spansFromLegacy(
      (await (await fetch(`${JAEGER_QUERY_URL}/api/traces/${fixture.traceId}`)).json()) as Parameters<
        typeof spansFromLegacy
      >[0],
    );
    const shape = (spans: Span[]) =>
      spans
        .map((s) =>
          [
            s.spanId,
            s.parentSpanId,
            s.name,
            s.service,
            s.kind,
            s.startUs,
            s.endUs,
            s.status.code,
            s.status.message,
            s.events.length,
          ].join('|'),
        )
        .sort();
    expect(shape(legacy)).toEqual(shape(v3));
    // What a user sees: why names the same cause and compensation through either API.
    const why = (spans: Span[]) => explainFailure(TraceGraph.fromSpans(spans), JAEGER_QUERY_URL);
    expect(why(legacy).failure?.name).toBe('POST /payments');
    expect(why(legacy).sagaStep).toEqual(why(v3).sagaStep);
    expect(why(legacy).compensations.map((c) => [c.undoesStep, c.undoesSpanId])).toEqual(
      why(v3).compensations.map((c) => [c.undoesStep, c.undoesSpanId]),
    );
  });
});
