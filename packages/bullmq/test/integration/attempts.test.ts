import * as Sentry from '@sentry/node';
import { eventOf, SPOTLIGHT_URL, waitForEnvelope, waitForTrace } from '@wideline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from '../../src/index';
import { current, deferred, flushSoon, inRequest, linkTypes, one, REDIS, useIntegrationSuite } from './setup';

describe('retries, final failures, delayed and repeatable jobs (real Redis, read back from Jaeger)', () => {
  const suite = useIntegrationSuite(`bullmq-int-attempts-${process.pid}`);
  const { open, name } = suite;

  beforeAll(() => {
    Sentry.init({
      spotlight: `${SPOTLIGHT_URL}/stream`,
      enableOpenTelemetrySetup: false,
      defaultIntegrations: false,
      tracesSampleRate: 0,
    });
  });
  afterAll(() => Sentry.close(2000));

  it('fails twice then succeeds: three attempts; retries start new traces linked to the creation and previous attempt', async () => {
    const q = name('flaky');
    const queue = open(new Queue(q, { connection: REDIS }));
    const attempts: Array<{ traceId: string; spanId: string }> = [];
    const done = deferred();
    open(
      new Worker(
        q,
        async (job) => {
          attempts.push(current());
          if (job.attemptsMade < 2) throw new Error(`flaky ${job.attemptsMade}`);
          done.resolve();
          return 'ok';
        },
        { connection: REDIS },
      ),
    );
    const request = await inRequest(suite.tracing, 'POST /flaky', () => queue.add('sync', {}, { attempts: 3 }));
    await done.promise;
    await flushSoon(suite.tracing);

    expect(attempts).toHaveLength(3);
    const [a1, a2, a3] = attempts as [(typeof attempts)[0], (typeof attempts)[0], (typeof attempts)[0]];
    expect(a1.traceId).toBe(request.traceId);
    expect(new Set([a1.traceId, a2.traceId, a3.traceId]).size).toBe(3);

    const first = await waitForTrace(request.traceId, 3);
    const send = one(first, `send ${q}`);
    const p1 = one(first, `process ${q}`);
    expect(p1.parentSpanId).toBe(send.spanId);
    expect(p1.status.code).toBe(2);
    expect(p1.attributes).toMatchObject({
      'messaging.bullmq.job.outcome': 'retry',
      'messaging.bullmq.job.final_attempt': false,
      'messaging.bullmq.job.attempt': 1,
      'error.type': 'Error',
    });
    expect(p1.events.map((e) => e.name)).toContain('exception');

    const p2 = one(await waitForTrace(a2.traceId, 1), `process ${q}`);
    const p3 = one(await waitForTrace(a3.traceId, 1), `process ${q}`);
    expect(p2.parentSpanId).toBeUndefined();
    expect(p3.parentSpanId).toBeUndefined();
    expect(linkTypes(p2)).toEqual([
      [send.spanId, 'creation'],
      [a1.spanId, 'previous_attempt'],
    ]);
    expect(linkTypes(p3)).toEqual([
      [send.spanId, 'creation'],
      [a2.spanId, 'previous_attempt'],
    ]);
    expect(p2.attributes).toMatchObject({ 'messaging.bullmq.job.attempt': 2, 'messaging.bullmq.job.outcome': 'retry' });
    expect(p2.status.code).toBe(2);
    // Each retry names the trace that created the job: what a reader searches to find it from there.
    expect([p2.attributes['wideline.origin.trace_id'], p3.attributes['wideline.origin.trace_id']]).toEqual([
      request.traceId,
      request.traceId,
    ]);
    expect(p1.attributes['wideline.origin.trace_id']).toBeUndefined();
    expect(p3.attributes).toMatchObject({
      'messaging.bullmq.job.attempt': 3,
      'messaging.bullmq.job.final_attempt': true,
      'messaging.bullmq.job.outcome': 'completed',
      'messaging.bullmq.job.start_reason': 'retry',
    });
    expect(p3.status.code ?? 0).not.toBe(2);
  });

  it('with policy "parent" the same three attempts stay in the request trace', async () => {
    const q = name('flaky-parent');
    const queue = open(new Queue(q, { connection: REDIS }));
    const done = deferred();
    open(
      new Worker(
        q,
        async (job) => {
          if (job.attemptsMade < 2) throw new Error('flaky');
          done.resolve();
        },
        { connection: REDIS, wideline: { policy: 'parent' } },
      ),
    );
    const request = await inRequest(suite.tracing, 'POST /flaky', () => queue.add('sync', {}, { attempts: 3 }));
    await done.promise;
    await flushSoon(suite.tracing);
    const spans = await waitForTrace(request.traceId, 5);
    const send = one(spans, `send ${q}`);
    const processes = spans.filter((s) => s.name === `process ${q}`);
    expect(processes).toHaveLength(3);
    expect(processes.every((p) => p.parentSpanId === send.spanId)).toBe(true);
    expect(processes.map((p) => p.attributes['messaging.bullmq.job.outcome']).sort()).toEqual([
      'completed',
      'retry',
      'retry',
    ]);
  });

  it('a final failure is ERROR and final, and reaches Sentry (Spotlight) with the attempt’s trace id and the request’s', async () => {
    const q = name('doomed');
    const queue = open(new Queue(q, { connection: REDIS }));
    const marker = `doomed-${crypto.randomUUID()}`;
    const attempts: Array<{ traceId: string; spanId: string }> = [];
    const failed = deferred();
    const worker = open(
      new Worker(
        q,
        async () => {
          attempts.push(current());
          throw new Error(marker);
        },
        { connection: REDIS, wideline: { sentry: Sentry } },
      ),
    );
    worker.on('failed', (job) => {
      if (job && job.attemptsMade >= 2) failed.resolve();
    });
    const request = await inRequest(suite.tracing, 'POST /doomed', () => queue.add('sync', {}, { attempts: 2 }));
    await failed.promise;
    await flushSoon(suite.tracing);
    await Sentry.flush(5000);

    const last = attempts[1] as { traceId: string; spanId: string };
    const p2 = one(await waitForTrace(last.traceId, 1), `process ${q}`);
    expect(p2.status.code).toBe(2);
    expect(p2.status.message).toBe(marker);
    expect(p2.attributes).toMatchObject({
      'messaging.bullmq.job.outcome': 'failed',
      'messaging.bullmq.job.final_attempt': true,
    });
    const envelope = await waitForEnvelope((e) => JSON.stringify(eventOf(e) ?? {}).includes(marker));
    const event = eventOf(envelope) as {
      contexts: Record<string, Record<string, unknown>>;
      tags: Record<string, string>;
    };
    expect(envelope.header.trace?.trace_id).toBe(last.traceId);
    expect(event.contexts.trace?.span_id).toBe(last.spanId);
    expect(event.tags.trace_id).toBe(last.traceId);
    expect(event.contexts.bullmq).toMatchObject({ queue: q, attempt: 2, maxAttempts: 2 });
    // The retry ran in a trace of its own: the event also leads back to the request that added the job.
    expect(last.traceId).not.toBe(request.traceId);
    expect(event.tags.origin_trace_id).toBe(request.traceId);
    expect(event.contexts.otel).toMatchObject({
      trace_id: last.traceId,
      origin_trace_id: request.traceId,
      origin_span_id: one(await waitForTrace(request.traceId, 2), `send ${q}`).spanId,
      origin_jaeger_url: `http://localhost:16686/trace/${request.traceId}`,
    });
  });

  it('a delayed job starts a new trace linked to the request that scheduled it', async () => {
    const q = name('delayed');
    const queue = open(new Queue(q, { connection: REDIS }));
    const ran = deferred<{ traceId: string; spanId: string }>();
    open(new Worker(q, async () => ran.resolve(current()), { connection: REDIS }));
    const request = await inRequest(suite.tracing, 'POST /remind', () => queue.add('remind', {}, { delay: 300 }));
    const attempt = await ran.promise;
    await flushSoon(suite.tracing);
    expect(attempt.traceId).not.toBe(request.traceId);
    const send = one(await waitForTrace(request.traceId, 2), `send ${q}`);
    expect(send.attributes['messaging.bullmq.job.delay_ms']).toBe(300);
    const processed = one(await waitForTrace(attempt.traceId, 1), `process ${q}`);
    expect(processed.parentSpanId).toBeUndefined();
    expect(linkTypes(processed)).toEqual([[send.spanId, 'creation']]);
    expect(processed.attributes['messaging.bullmq.job.start_reason']).toBe('delayed');
  });

  it('a repeatable job over three runs: three traces, each linked to the scheduler’s creation, never one giant trace', async () => {
    const q = name('repeat');
    const queue = open(new Queue(q, { connection: REDIS }));
    const runs: Array<{ traceId: string; spanId: string }> = [];
    const three = deferred();
    open(
      new Worker(
        q,
        async () => {
          runs.push(current());
          if (runs.length === 3) three.resolve();
        },
        { connection: REDIS },
      ),
    );
    const request = await inRequest(suite.tracing, 'POST /schedules', () =>
      queue.upsertJobScheduler('tick', { every: 250 }, { name: 'tick', data: {} }),
    );
    await three.promise;
    await queue.removeJobScheduler('tick');
    await flushSoon(suite.tracing);

    const created = await waitForTrace(request.traceId, 2);
    const send = one(created, `send ${q}`);
    expect(send.attributes['messaging.operation.name']).toBe('upsertJobScheduler');
    expect(created.some((s) => s.name === `process ${q}`)).toBe(false);
    const traceIds = runs.slice(0, 3).map((r) => r.traceId);
    expect(new Set([...traceIds, request.traceId]).size).toBe(4);
    for (const run of runs.slice(0, 3)) {
      const spans = await waitForTrace(run.traceId, 1);
      expect(spans).toHaveLength(1);
      const processed = one(spans, `process ${q}`);
      expect(processed.parentSpanId).toBeUndefined();
      expect(linkTypes(processed)).toEqual([[send.spanId, 'creation']]);
      expect(processed.attributes['messaging.bullmq.job.start_reason']).toBe('repeat');
      expect(typeof processed.attributes['messaging.bullmq.job.repeat_key']).toBe('string');
    }
  });
});
