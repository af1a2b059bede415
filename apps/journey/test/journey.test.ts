import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TraceGraph } from '@wideline/query';
import { eventOf, requireStack, type StoredSpan, waitForEnvelope, waitForTrace } from '@wideline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  driveJourney,
  type JourneyResult,
  REPO,
  type RunningJourney,
  servicesOf,
  startApps,
  waitForTraceGraph,
} from '../src/index.ts';

const KIND = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
const KIND_NAMES: Record<string, number> = {
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const kindOf = (span: StoredSpan): number =>
  typeof span.kind === 'number' ? span.kind : (KIND_NAMES[String(span.kind)] ?? Number(span.kind));
const isError = (span: StoredSpan) => span.status.code === 2 || span.status.code === 'STATUS_CODE_ERROR';

/** The parts of a Sentry event the test reads. */
interface SentryEventShape {
  contexts: Record<string, Record<string, unknown>>;
  exception: { values: Array<{ type: string; value: string }> };
}

/** One attempt of a retried job, as `wideline why --json` lists it. */
interface JobAttemptShape {
  traceId: string;
  spanId: string;
  attempt: number;
  maxAttempts: number;
  failed: boolean;
}
let finalShipAttempt: JobAttemptShape | undefined;

let apps: RunningJourney;
let journey: JourneyResult;
const spansOf: Record<'succeeded' | 'failed', StoredSpan[]> = { succeeded: [], failed: [] };

/**
 * All spans of an order's trace, once every service's spans have arrived: each status push reached
 * the Durable Object, the page's last receive is in, and the span count has stopped growing.
 */
async function readTrace(traceId: string, pushes: number, compensations: number): Promise<StoredSpan[]> {
  const count = (g: TraceGraph, name: string) => g.ordered.filter((n) => n.span.name === name).length;
  const graph = await waitForTraceGraph(
    apps.stack.jaegerQuery,
    traceId,
    (g) =>
      ['web', 'edge-api', 'jobs'].every((s) => servicesOf(g).has(s)) &&
      count(g, 'process orders') === 1 &&
      count(g, 'OrderStatus.push') === pushes &&
      count(g, 'ws receive order.status') >= 1 &&
      g.compensations().length === compensations,
    45_000,
  );
  return waitForTrace(traceId, graph.size);
}

beforeAll(async () => {
  await requireStack();
  if (!existsSync(join(REPO, 'apps/web/dist/index.html')))
    throw new Error('apps/web is not built. Build it with: pnpm turbo run build --filter=@wideline/app-web...');
  apps = await startApps();
  try {
    journey = await driveJourney(apps.urls.web);
    spansOf.succeeded = await readTrace(journey.succeeded.traceId, 4, 0);
    spansOf.failed = await readTrace(journey.failed.traceId, 6, 2);
  } catch (error) {
    const output = Object.entries(apps.output())
      .map(([name, text]) => `--- ${name}\n${text.split('\n').slice(-20).join('\n')}`)
      .join('\n');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
}, 150_000);

afterAll(async () => {
  await apps?.stop();
});

/** The one span named `name` (and matching `where`), failing clearly when there is none or several. */
function one(spans: StoredSpan[], name: string, where: (s: StoredSpan) => boolean = () => true): StoredSpan {
  const found = spans.filter((s) => s.name === name && where(s));
  expect(
    found.map((s) => s.name),
    `exactly one span "${name}"`,
  ).toEqual([name]);
  return found[0] as StoredSpan;
}

function onlyOne(spans: StoredSpan[]): StoredSpan {
  expect(spans.map((s) => s.name)).toHaveLength(1);
  return spans[0] as StoredSpan;
}

const childrenOf = (spans: StoredSpan[], parent: StoredSpan) => spans.filter((s) => s.parentSpanId === parent.spanId);

/** The `wideline` executable a user runs (its built dist: `pnpm test` builds first). */
const WIDELINE_BIN = join(
  dirname(createRequire(import.meta.url).resolve('@wideline/query/package.json')),
  'bin',
  'wideline.js',
);

/** Runs `wideline …args` as a child process: its exit code, stdout and stderr (chDB logs there). */
function wideline(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [WIDELINE_BIN, ...args],
      { env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr }),
    );
  });
}

describe('the order journey: web → edge-api → jobs → queue → workers → child jobs', () => {
  it('the page shows the completed order and the compensated one with its error', () => {
    expect(journey.succeeded.outcome).toBe('completed');
    expect(journey.succeeded.statuses).toEqual(['stock reserved', 'payment charged', 'shipped', 'order completed']);
    expect(journey.failed.outcome).toBe('compensated');
    expect(journey.failed.statuses).toEqual([
      'stock reserved',
      'payment charged',
      'ship: courier unavailable',
      'payment refunded',
      'stock released',
      'compensated: ship: courier unavailable',
    ]);
    expect(journey.failed.error).toContain('courier unavailable');
    expect(journey.succeeded.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(journey.failed.traceId).not.toBe(journey.succeeded.traceId);
  });

  it('one trace from the click to the last child job, with the right parents and service names', () => {
    const spans = spansOf.succeeded;
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['web', 'edge-api', 'jobs']));

    const click = one(spans, 'click button#place-order');
    expect(click.service).toBe('web');
    expect(click.parentSpanId).toBeUndefined();
    // The browser's fetch span (CLIENT) under the click, then the Worker's request span under it.
    const webFetch = onlyOne(spans.filter((s) => s.service === 'web' && kindOf(s) === KIND.CLIENT));
    expect(webFetch.parentSpanId).toBe(click.spanId);
    expect(webFetch.attributes['http.request.method']).toBe('POST');
    const edge = one(spans, 'POST /api/orders', (s) => s.service === 'edge-api');
    expect(kindOf(edge)).toBe(KIND.SERVER);
    expect(edge.parentSpanId).toBe(webFetch.spanId);
    const edgeToJobs = onlyOne(
      spans.filter((s) => s.service === 'edge-api' && kindOf(s) === KIND.CLIENT && s.parentSpanId === edge.spanId),
    );
    expect(edgeToJobs.attributes['server.address']).toBe('127.0.0.1');
    const jobsServer = one(spans, 'POST /orders');
    expect([jobsServer.service, kindOf(jobsServer), jobsServer.parentSpanId]).toEqual([
      'jobs',
      KIND.SERVER,
      edgeToJobs.spanId,
    ]);
    const send = one(spans, 'send orders');
    expect([kindOf(send), send.parentSpanId]).toEqual([KIND.PRODUCER, jobsServer.spanId]);
    const processOrder = one(spans, 'process orders');
    expect([kindOf(processOrder), processOrder.parentSpanId]).toEqual([KIND.CONSUMER, send.spanId]);
    expect(processOrder.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.bullmq.job.outcome': 'completed',
      'order.id': journey.succeeded.orderId,
      'wideline.saga.outcome': 'completed',
    });
    const saga = one(spans, 'saga order');
    expect(saga.parentSpanId).toBe(processOrder.spanId);

    // Each step is a child job on its own queue, processed by that queue's worker.
    for (const [step, queue] of [
      ['reserve', 'stock'],
      ['charge', 'payments'],
      ['ship', 'shipping'],
    ] as const) {
      const stepSpan = one(spans, `saga.step ${step}`);
      expect(stepSpan.parentSpanId).toBe(saga.spanId);
      const sendStep = one(spans, `send ${queue}`, (s) => s.parentSpanId === stepSpan.spanId);
      expect(kindOf(sendStep)).toBe(KIND.PRODUCER);
      const child = one(spans, `process ${queue}`, (s) => s.parentSpanId === sendStep.spanId);
      expect(kindOf(child)).toBe(KIND.CONSUMER);
      expect(child.attributes['messaging.bullmq.job.name']).toBe(step);
      expect(child.attributes['order.id']).toBe(journey.succeeded.orderId);
    }
    expect(spans.filter((s) => s.name.startsWith('saga.compensate'))).toEqual([]);

    // Live status: jobs → edge-api → Durable Object → the page's WebSocket, still the same trace.
    const pushes = spans.filter((s) => s.name === 'OrderStatus.push');
    expect(pushes).toHaveLength(4);
    for (const push of pushes) {
      // route → the traced Durable Object stub call (CLIENT) → the object's push
      const stub = spans.find((s) => s.spanId === push.parentSpanId) as StoredSpan;
      expect([stub.service, kindOf(stub), stub.attributes['cloudflare.binding']]).toEqual([
        'edge-api',
        KIND.CLIENT,
        'ORDER_STATUS',
      ]);
      const route = spans.find((s) => s.spanId === stub.parentSpanId) as StoredSpan;
      expect([route.service, route.name]).toEqual(['edge-api', 'POST /internal/orders/:id/status']);
      const caller = spans.find((s) => s.spanId === route.parentSpanId) as StoredSpan;
      expect([caller.service, kindOf(caller)]).toEqual(['jobs', KIND.CLIENT]);
    }
    // Each message the page received continues the push that sent it (a push that happened before
    // the socket opened reached the page in the subscribe answer instead).
    const received = spans.filter((s) => s.name === 'ws receive order.status');
    expect(received.length).toBeGreaterThanOrEqual(1);
    for (const message of received) {
      expect([message.service, kindOf(message)]).toEqual(['web', KIND.CONSUMER]);
      expect(pushes.map((p) => p.spanId)).toContain(message.parentSpanId);
    }
    const lastPush = pushes.reduce((a, b) => (a.startNs > b.startNs ? a : b));
    expect(childrenOf(spans, lastPush).map((s) => s.name)).toEqual(['ws receive order.status']);
    // The page's subscribe message continues the click's trace into the Durable Object.
    const subscribe = one(spans, 'ws send subscribe');
    expect(subscribe.parentSpanId).toBe(click.spanId);
    const onMessage = one(spans, 'websocket message subscribe');
    expect([onMessage.service, onMessage.parentSpanId]).toEqual(['edge-api', subscribe.spanId]);
  });

  it('the failing order: the failed child job, and compensations linked to the step they undo and the failed step', () => {
    const spans = spansOf.failed;
    expect(one(spans, 'click button#place-failing-order').parentSpanId).toBeUndefined();
    const failedJob = one(spans, 'process shipping');
    expect(isError(failedJob)).toBe(true);
    expect(failedJob.attributes['messaging.bullmq.job.name']).toBe('ship');
    const shipStep = one(spans, 'saga.step ship');
    expect(isError(shipStep)).toBe(true);
    const processOrder = one(spans, 'process orders');
    expect(isError(processOrder)).toBe(true);
    expect(processOrder.attributes).toMatchObject({
      'wideline.saga.outcome': 'compensated',
      'wideline.saga.failed_step': 'ship',
    });

    // Undone in reverse order: the refund, then the stock release.
    const compensations = spans
      .filter((s) => s.attributes['wideline.saga.role'] === 'compensation')
      .sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
    expect(compensations.map((s) => s.name)).toEqual(['saga.compensate charge', 'saga.compensate reserve']);
    for (const [step, job, queue] of [
      ['charge', 'refund', 'payments'],
      ['reserve', 'release-stock', 'stock'],
    ] as const) {
      const undo = one(spans, `saga.compensate ${step}`);
      expect(isError(undo)).toBe(false);
      expect(undo.attributes).toMatchObject({
        'wideline.saga.compensates': step,
        'wideline.saga.failed_step': 'ship',
        'wideline.saga.reason': 'ship: courier unavailable',
      });
      const links = Object.fromEntries(undo.links.map((l) => [l.attributes['wideline.link.type'], l.spanId]));
      expect(links).toEqual({ compensates: one(spans, `saga.step ${step}`).spanId, failed_step: shipStep.spanId });
      const sendUndo = one(spans, `send ${queue}`, (s) => s.parentSpanId === undo.spanId);
      const undoJob = one(spans, `process ${queue}`, (s) => s.parentSpanId === sendUndo.spanId);
      expect(undoJob.attributes['messaging.bullmq.job.name']).toBe(job);
    }
  });

  it("the failing order's Sentry events in Spotlight carry the click's trace id", async () => {
    const traceId = journey.failed.traceId;
    const bySdk = async (sdk: string) => {
      const envelope = await waitForEnvelope((e) => {
        const event = eventOf(e) as { tags?: Record<string, unknown>; sdk?: { name?: string } } | undefined;
        return event?.tags?.trace_id === traceId && event.sdk?.name === sdk;
      });
      return { envelope, event: eventOf(envelope) as unknown as SentryEventShape };
    };
    // The jobs service reports the saga's final failure, stamped with the order job's span.
    const node = await bySdk('sentry.javascript.node');
    expect(node.event.contexts.trace?.trace_id).toBe(traceId);
    expect(node.event.contexts.trace?.span_id).toBe(one(spansOf.failed, 'process orders').spanId);
    expect(node.envelope.header.trace?.trace_id).toBe(traceId);
    expect(node.event.exception.values.at(-1)).toMatchObject({
      type: 'OrderFailedError',
      value: expect.stringContaining('ship failed (ship: courier unavailable)'),
    });
    // The page's ErrorBoundary reports the failed order's render error.
    const react = await bySdk('sentry.javascript.react');
    expect(react.event.contexts.trace?.trace_id).toBe(traceId);
    expect(react.envelope.header.trace?.trace_id).toBe(traceId);
    expect(react.event.contexts.otel?.jaeger_url).toBe(`${apps.stack.jaegerUi}/trace/${traceId}`);
    expect(react.event.exception.values.at(-1)?.type).toBe('OrderFailedError');
  });

  it('`wideline why` names the failing step and what was compensated', async () => {
    const run = (...args: string[]) =>
      wideline('why', journey.failed.traceId, '--jaeger', apps.stack.jaegerQuery, ...args);
    const json = await run('--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out);
    expect(report.failure).toMatchObject({ name: 'process shipping', service: 'jobs' });
    expect(report.path.map((p: { service: string }) => p.service)).toEqual(
      expect.arrayContaining(['web', 'edge-api', 'jobs']),
    );
    expect(
      report.compensations.map((c: { undoesStep: string; failedStep: string; succeeded: boolean }) => [
        c.undoesStep,
        c.failedStep,
        c.succeeded,
      ]),
    ).toEqual([
      ['charge', 'ship', true],
      ['reserve', 'ship', true],
    ]);
    expect(report.sagaOutcomes).toEqual([
      { sagaName: 'order', sagaId: journey.failed.orderId, outcome: 'compensated' },
    ]);

    const text = await run('--no-color');
    expect(text.code).toBe(0);
    expect(text.out).toContain('Failed saga step: ship');
    expect(text.out).toMatch(/saga\.compensate charge\s+undid charge after ship failed/);
    expect(text.out).toMatch(/saga\.compensate reserve\s+undid reserve after ship failed/);

    // The ship job was retried twice, each retry in a trace of its own (the link policy): `why`
    // follows the links and shows where each attempt went.
    const ship = (report.jobAttempts as Array<{ queue: string; jobName: string; attempts: JobAttemptShape[] }>).find(
      (j) => j.queue === 'shipping',
    );
    expect(ship?.jobName).toBe('ship');
    expect(ship?.attempts.map((a) => [a.attempt, a.maxAttempts, a.failed])).toEqual([
      [1, 3, true],
      [2, 3, true],
      [3, 3, true],
    ]);
    const [first, second, third] = ship?.attempts ?? [];
    expect(first?.traceId).toBe(journey.failed.traceId);
    expect(new Set([first?.traceId, second?.traceId, third?.traceId]).size).toBe(3);
    expect(text.out).toContain(`✗ attempt 3 of 3 failed → trace ${third?.traceId}`);
    finalShipAttempt = third;
  });

  it("the ship step's final failure reaches Sentry from its own trace, naming the click's trace and its Jaeger link", async () => {
    expect(finalShipAttempt).toBeDefined();
    const attempt = finalShipAttempt as JobAttemptShape;
    const envelope = await waitForEnvelope((e) => {
      const event = eventOf(e) as { tags?: Record<string, unknown> } | undefined;
      return event?.tags?.trace_id === attempt.traceId;
    });
    const event = eventOf(envelope) as unknown as SentryEventShape & { tags: Record<string, string> };
    expect(event.exception.values.at(-1)).toMatchObject({
      type: 'StepFailedError',
      value: 'ship: courier unavailable',
    });
    expect(event.contexts.trace?.span_id).toBe(attempt.spanId);
    expect(event.tags.origin_trace_id).toBe(journey.failed.traceId);
    expect(event.contexts.otel).toMatchObject({
      trace_id: attempt.traceId,
      origin_trace_id: journey.failed.traceId,
      origin_jaeger_url: `${apps.stack.jaegerUi}/trace/${journey.failed.traceId}`,
    });
  });

  /** The two journeys' trace ids as a SQL list. */
  const journeyIds = () => [journey.succeeded.traceId, journey.failed.traceId].map((id) => `'${id}'`).join(', ');
  /** The jobs service's wide events of the two journeys, as `wideline` arguments. */
  const journeyScope = () => [
    '-s',
    'jobs',
    '--since',
    '15m',
    '--where',
    `trace_id in (${journeyIds()})`,
    '--jaeger',
    apps.stack.jaegerQuery,
  ];
  /**
   * The units of work the jobs service ran: the HTTP requests it served and the jobs it processed —
   * the spans whose parent is in another process (server and consumer spans), read back from Jaeger.
   */
  const jobsUnits = () =>
    [...spansOf.succeeded, ...spansOf.failed].filter(
      (s) => s.service === 'jobs' && (kindOf(s) === KIND.SERVER || kindOf(s) === KIND.CONSUMER),
    );

  it("`wideline query` counts the journey's wide events: each request and each job attempt, by its span flags", async () => {
    const { code, out, err } = await wideline(
      'query',
      ...journeyScope(),
      '--by',
      'name',
      '--agg',
      'events',
      '--order',
      'name:asc',
      '--json',
    );
    expect(code, `${out}${err}`).toBe(0);
    const rows = (JSON.parse(out) as { rows: Array<{ name: string; events: number }> }).rows;
    const expected = new Map<string, number>();
    for (const s of jobsUnits()) expected.set(s.name, (expected.get(s.name) ?? 0) + 1);
    expect(rows).toEqual(
      [...expected].sort(([a], [b]) => a.localeCompare(b)).map(([name, events]) => ({ name, events })),
    );
    // A job attempt is a wide event although the span that queued it is in the same service.
    expect(rows.find((r) => r.name === 'process orders')).toEqual({ name: 'process orders', events: 2 });
    expect(rows.map((r) => r.name)).not.toContain('send orders');
  });

  it('events, sql, heatmap, compare, regress and check read the same wide events from the real instrumentation', async () => {
    const ids = journeyIds();
    const scope = journeyScope();
    const units = jobsUnits();
    const failed = units.filter(isError);
    expect(failed.length).toBeGreaterThan(0);
    const run = async (...args: string[]) => {
      const r = await wideline(...args);
      return { ...r, json: () => JSON.parse(r.out) as Record<string, unknown>, says: `${r.out}${r.err}` };
    };

    const events = await run('events', ...scope, '--fields', 'span_id, name, status', '-n', '100', '--json');
    expect(events.code, events.says).toBe(0);
    const listed = events.json().events as Array<{ span_id: string; name: string; status: string }>;
    expect(listed.map((e) => e.span_id).sort()).toEqual(units.map((s) => s.spanId).sort());
    expect(
      listed
        .filter((e) => e.status === 'ERROR')
        .map((e) => e.span_id)
        .sort(),
    ).toEqual(failed.map((s) => s.spanId).sort());

    const sql = await run(
      'sql',
      ...scope,
      `SELECT count() AS n, countIf(status = 'ERROR') AS errors FROM events WHERE service = 'jobs' AND trace_id IN (${ids})`,
      '--json',
    );
    expect(sql.code, sql.says).toBe(0);
    expect(sql.json().rows).toEqual([{ n: units.length, errors: failed.length }]);

    const heatmap = await run('heatmap', ...scope, '--unweighted', '--json');
    expect(heatmap.code, heatmap.says).toBe(0);
    const cells = heatmap.json().cells as Array<{ events: number }>;
    expect(heatmap.json().total).toBe(units.length);
    expect(cells.reduce((n, c) => n + c.events, 0)).toBe(units.length);

    const compare = await run('compare', ...scope, '--errors', '--unweighted', '--json');
    expect(compare.code, compare.says).toBe(0);
    const comparison = compare.json() as { selection: { events: number }; baseline: { events: number } };
    expect([comparison.selection.events, comparison.baseline.events]).toEqual([
      failed.length,
      units.length - failed.length,
    ]);

    // Everything happened in the last few minutes: nothing to compare against, so nothing regressed.
    const regress = await run('regress', ...scope, '--window', '10m', '--baseline', '1h', '--json');
    expect(regress.code, regress.says).toBe(0);
    expect(regress.json().severe).toBe(false);

    const rules = join(mkdtempSync(join(tmpdir(), 'journey-rules-')), 'rules.yaml');
    writeFileSync(
      rules,
      // One 15-minute bucket: the journey's few minutes fill it (a rule fires when every bucket breaches).
      'rules:\n  - name: job errors\n    severity: P1\n    when: error_rate > 0%\n    for: 15m\n    every: 15m\n  - name: slow jobs\n    severity: P2\n    when: p99 > 1h\n    for: 15m\n    every: 15m\n',
    );
    const check = await run('check', rules, ...scope, '--json');
    expect(check.code, check.says).toBe(11);
    const states = (check.json().rules as Array<{ name: string; state: string }>).map((r) => [r.name, r.state]);
    expect(states).toEqual([
      ['job errors', 'firing'],
      ['slow jobs', 'ok'],
    ]);
  });
});

describe('bad input is data: the apps answer 4xx or use defaults, and keep working', () => {
  it('the edge API ignores malformed trace headers and bodies, and answers CORS only for its origins', async () => {
    const response = await fetch(`${apps.urls.edge}/api/orders`, {
      method: 'POST',
      headers: { traceparent: '00-not-a-trace-01', 'content-type': 'application/json' },
      body: '{"failAt": 42, "items": "many"',
    });
    expect(response.status).toBe(202);
    const { orderId } = (await response.json()) as { orderId: string };
    expect(orderId).toMatch(/^[0-9a-f]{8}$/);
    // A fresh, valid trace instead of the malformed one: random ids, so sampled + random-trace-id.
    expect(response.headers.get('traceresponse')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/);

    const status = await fetch(`${apps.urls.edge}/internal/orders/${orderId}/status`, {
      method: 'POST',
      body: '[]',
    });
    expect(status.status).toBe(400);

    const preflight = (origin: string) =>
      fetch(`${apps.urls.edge}/api/orders`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'traceparent' },
      });
    const allowed = await preflight(apps.urls.web);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(apps.urls.web);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('traceparent');
    expect(allowed.headers.get('access-control-expose-headers')).toBe('traceresponse');
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the jobs endpoint rejects what it cannot run with 400, never 500', async () => {
    const post = (body: string) => fetch(`${apps.urls.jobs}/orders`, { method: 'POST', body });
    for (const body of ['not json', '[1, 2]', '{"failAt": "everything"}', `{"pad": "${'x'.repeat(20_000)}"}`]) {
      const response = await post(body);
      expect(response.status, body.slice(0, 30)).toBe(400);
    }
    expect((await fetch(`${apps.urls.jobs}/nope`)).status).toBe(404);
    expect((await post('{"items": 1}')).status).toBe(202);
  });
});
