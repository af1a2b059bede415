import { randomBytes } from 'node:crypto';
import { eventOf, requireStack, waitForEnvelope, waitForTrace } from '@wideline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProxy, type Downstream, startCollectorProxy, startDownstream } from './servers';
import { type RunningWorker, startWorker } from './wrangler';

const SERVER = 2; // OTLP SpanKind: SERVER
const CLIENT = 3;

let downstream: Downstream;
let collector: CollectorProxy;
let worker: RunningWorker;

beforeAll(async () => {
  await requireStack();
  downstream = await startDownstream();
  collector = await startCollectorProxy();
  worker = await startWorker('wrangler.jsonc', {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    DOWNSTREAM_URL: downstream.url,
  });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await downstream?.close();
  await collector?.close();
});

function newTraceparent(): { traceId: string; parentId: string; header: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, header: `00-${traceId}-${parentId}-01` };
}

function kindOf(kind: number | string): number {
  if (typeof kind === 'number') return kind;
  return { SPAN_KIND_SERVER: SERVER, SPAN_KIND_CLIENT: CLIENT }[kind] ?? Number(kind);
}

describe('a Worker under wrangler dev (workerd)', () => {
  it('exports the request tree to Jaeger, and the Node server it calls sees the CLIENT span as parent', async () => {
    const { traceId, parentId, header } = newTraceparent();
    const response = await fetch(`${worker.url}/chain`, { headers: { traceparent: header } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('downstream ok');

    const spans = await waitForTrace(traceId, 2);
    const server = spans.find((s) => kindOf(s.kind) === SERVER);
    const client = spans.find((s) => kindOf(s.kind) === CLIENT);
    expect(server?.service).toBe('wideline-worker-it');
    expect(server?.parentSpanId).toBe(parentId);
    expect(server?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/chain',
      'http.response.status_code': 200,
      'chain.downstream_status': 200,
    });
    expect(client?.parentSpanId).toBe(server?.spanId);
    expect(client?.attributes['server.address']).toBe('127.0.0.1');

    const seen = downstream.seen.at(-1);
    expect(seen?.traceparent).toBe(`00-${traceId}-${client?.spanId}-01`);
    // Composed with @sentry/cloudflare, fetch is traced once: no second set of Sentry headers, and
    // no competing tracer provider was registered.
    expect(seen?.['sentry-trace']).toBeUndefined();
    expect(worker.output()).not.toContain('another OpenTelemetry tracer provider');
    expect(response.headers.get('traceresponse')).toBe(`00-${traceId}-${server?.spanId}-01`);
  });

  it('exports every request of a concurrent burst (flushes overlap across invocations)', async () => {
    const sentBefore = await sentRequests();
    const burst = Array.from({ length: 20 }, () => newTraceparent());
    const responses = await Promise.all(
      burst.map(({ header }) => fetch(`${worker.url}/hello`, { headers: { traceparent: header } })),
    );
    expect(responses.map((r) => r.status)).toEqual(burst.map(() => 200));
    const traces = await Promise.all(burst.map(({ traceId }) => waitForTrace(traceId, 1)));
    for (const [i, spans] of traces.entries()) expect(spans[0]?.parentSpanId).toBe(burst[i]?.parentId);
    // Each invocation sends from its own context: workerd has no cross-request work to drop.
    expect(worker.output()).not.toContain('cross-context');
    // Invocations ending within the export delay share OTLP requests (the stats route's own
    // request may add one).
    const sent = (await sentRequests()) - sentBefore;
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(sent).toBeLessThanOrEqual(5);
  });

  it('answers a thrown error with a 500 that carries traceresponse, and Sentry still gets the error, stamped', async () => {
    const { traceId, header } = newTraceparent();
    // wrangler dev would answer its own HTML error page, without traceresponse.
    const response = await fetch(`${worker.url}/boom`, { headers: { traceparent: header, accept: 'text/html' } });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Internal Server Error');
    expect(response.headers.get('traceresponse')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[13]$`));

    const envelope = await waitForEnvelope((e) => {
      const event = eventOf(e) as { tags?: Record<string, unknown> } | undefined;
      return event?.tags?.trace_id === traceId;
    });
    const event = eventOf(envelope) as {
      contexts: Record<string, Record<string, unknown>>;
      exception: { values: Array<{ value: string }> };
    };
    expect(event.exception.values.at(-1)?.value).toBe('integration boom');
    expect(event.contexts.trace?.trace_id).toBe(traceId);
    expect(event.contexts.otel?.jaeger_url).toBe(`http://localhost:16686/trace/${traceId}`);
    expect(envelope.header.trace?.trace_id).toBe(traceId);

    const [span] = await waitForTrace(traceId, 1);
    expect(span?.status.code === 2 || span?.status.code === 'STATUS_CODE_ERROR').toBe(true);
    expect(event.contexts.trace?.span_id).toBe(span?.spanId);
    expect(response.headers.get('traceresponse')?.split('-')[2]).toBe(span?.spanId);
    expect(span?.attributes['http.response.status_code']).toBe(500);
  });
});

/**
 * The wide-event log line of `traceId` in a Worker's output. The line is written when the root span
 * ends, before its export, so once the trace is in Jaeger it is at most wrangler's log relay away.
 */
async function wideEventLine(running: RunningWorker, traceId: string, waitMs: number): Promise<string | undefined> {
  await waitForTrace(traceId, 1);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const line = running
      .output()
      .split('\n')
      .find((l) => l.includes(`"trace_id":"${traceId}"`));
    if (line || Date.now() > deadline) return line;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the wideEventLog() feature', () => {
  it('writes no wide-event line when listed without the wideEventLog option', async () => {
    const { traceId, header } = newTraceparent();
    const response = await fetch(`${worker.url}/hello`, { headers: { traceparent: header } });
    expect(await response.text()).toBe('hello');
    expect(await wideEventLine(worker, traceId, 1000)).toBeUndefined();
    expect(worker.output()).not.toContain('"_event":');
  });

  it('writes one JSON line per request with wideEventLog: true', async () => {
    const logging = await startWorker('wrangler.jsonc', {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      DOWNSTREAM_URL: downstream.url,
      WIDE_EVENT_LOG: 'true',
    });
    try {
      const { traceId, header } = newTraceparent();
      const response = await fetch(`${logging.url}/hello?token=secret`, { headers: { traceparent: header } });
      expect(await response.text()).toBe('hello');
      const line = await wideEventLine(logging, traceId, 5000);
      expect(line).toBeDefined();
      const record = JSON.parse((line as string).slice((line as string).indexOf('{')));
      expect(record).toMatchObject({ _event: 'GET', service: 'wideline-worker-it', 'url.path': '/hello' });
      expect(line).not.toContain('secret');
    } finally {
      await logging.stop();
    }
  }, 90_000);
});

async function sentRequests(): Promise<number> {
  const stats = (await (await fetch(`${worker.url}/__wideline`)).json()) as { requests: { requestsSent: number } };
  return stats.requests.requestsSent;
}

async function failedRequests(): Promise<number> {
  const stats = (await (await fetch(`${worker.url}/__wideline`)).json()) as { requests: { requestsFailed: number } };
  return stats.requests.requestsFailed;
}

async function timedRequests(count: number): Promise<{ statuses: number[]; medianMs: number; maxMs: number }> {
  const statuses: number[] = [];
  const durations: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(`${worker.url}/hello`);
    await response.text();
    durations.push(performance.now() - started);
    statuses.push(response.status);
  }
  durations.sort((a, b) => a - b);
  return { statuses, medianMs: durations[Math.floor(count / 2)] ?? 0, maxMs: durations.at(-1) ?? 0 };
}

describe('a slow or dead collector', () => {
  afterAll(() => {
    collector.mode = 'forward';
  });

  it.each(['hang', 'refuse'] as const)(
    'collector that %ss: same status, latency not held by the export (2 s timeout)',
    async (mode) => {
      collector.mode = 'forward';
      const baseline = await timedRequests(6);
      const failedBefore = await failedRequests();
      collector.mode = mode;
      const before = collector.received[mode];
      const troubled = await timedRequests(6);
      // Let the pending exports reach the collector: they run after each response, under waitUntil.
      const deadline = Date.now() + 5000;
      while (collector.received[mode] === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      collector.mode = 'forward';

      expect(troubled.statuses).toEqual(baseline.statuses);
      expect(troubled.statuses.every((s) => s === 200)).toBe(true);
      // Exports were attempted against the troubled collector while requests were answered.
      expect(collector.received[mode]).toBeGreaterThan(before);
      // Were the response waiting for the export, a hanging collector would add the 2 s timeout.
      expect(troubled.maxMs).toBeLessThan(1000);
      expect(troubled.medianMs).toBeLessThan(baseline.medianMs + 150);
      // The failed exports (aborted at 2 s, or cut off) are counted by the Worker.
      const until = Date.now() + 5000;
      while ((await failedRequests()) === failedBefore && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      expect(await failedRequests()).toBeGreaterThan(failedBefore);
    },
    30_000,
  );
});

describe('a Worker without nodejs_compat', () => {
  it('fails at start-up with an error that says how to enable the flag', async () => {
    const bare = await startWorker('wrangler.no-compat.jsonc');
    try {
      const response = await fetch(bare.url);
      expect(response.status).toBe(500);
      const deadline = Date.now() + 5000;
      while (!bare.output().includes('nodejs_compat') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(bare.output()).toContain('compatibility_flags = ["nodejs_compat"]');
    } finally {
      await bare.stop();
    }
  }, 90_000);
});
