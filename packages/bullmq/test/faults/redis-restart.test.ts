/**
 * The stack's own Redis (whichever route runs it) crashed with jobs queued: SIGKILL, no shutdown, then
 * started again by `pnpm stack up redis`. With AOF persistence every job it acknowledged is back, runs
 * once, and its trace is whole in Jaeger.
 */
import type { WidelineTracing } from '@wideline/core';
import { killStackService, startStackService, waitForTrace } from '@wideline/testkit';
import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from '../../src/index';
import {
  cleanUp,
  countdown,
  current,
  flushSoon,
  inRequest,
  one,
  REDIS,
  startTracing,
  uniqueQueue,
} from '../integration/setup';

const JOBS = 100;

describe("the stack's Redis killed with jobs queued (real Redis, SIGKILL, traces read back from Jaeger)", () => {
  let tracing: WidelineTracing | undefined;
  beforeAll(async () => {
    tracing = await startTracing(`bullmq-faults-redis-${process.pid}`);
  });
  afterAll(() => cleanUp(tracing, [], []));

  it('runs as BullMQ needs: append-only file on, maxmemory-policy noeviction', async () => {
    const client = new IORedis({ ...REDIS, maxRetriesPerRequest: 1 });
    try {
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    } finally {
      client.disconnect();
    }
  });

  it(`loses no job: ${JOBS} queued, Redis killed and restarted, all ${JOBS} processed once, each trace whole`, async () => {
    if (!tracing) throw new Error('tracing did not start');
    const q = uniqueQueue('redis-kill');
    const queue = new Queue(q, { connection: REDIS });
    queue.on('error', () => undefined); // connection refused while Redis is down
    const traceOf: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const request = await inRequest(tracing, `POST /jobs/${i}`, () => queue.add('item', { i }));
      traceOf[i] = request.traceId;
    }
    expect(await queue.getWaitingCount()).toBe(JOBS);
    await tracing.forceFlush();

    await killStackService('redis');
    await startStackService('redis');
    expect(await queue.getWaitingCount()).toBe(JOBS);

    const all = countdown(JOBS);
    const ranIn = new Map<number, string[]>();
    const worker = new Worker<{ i: number }>(
      q,
      async (job) => {
        ranIn.set(job.data.i, [...(ranIn.get(job.data.i) ?? []), current().traceId]);
        all.tick();
      },
      { connection: REDIS, concurrency: 10 },
    );
    try {
      await all.promise;
      await flushSoon(tracing);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }

    expect([...ranIn.keys()].sort((a, b) => a - b)).toEqual([...Array(JOBS).keys()]);
    for (let i = 0; i < JOBS; i++) {
      expect(ranIn.get(i), `job ${i} ran once, in its request's trace`).toEqual([traceOf[i]]);
      const spans = await waitForTrace(traceOf[i] as string, 3);
      const root = one(spans, `POST /jobs/${i}`);
      const send = one(spans, `send ${q}`);
      const processed = one(spans, `process ${q}`);
      expect(root.parentSpanId).toBeUndefined();
      expect(send.parentSpanId).toBe(root.spanId);
      expect(processed.parentSpanId).toBe(send.spanId);
      expect(processed.attributes['messaging.bullmq.job.outcome']).toBe('completed');
    }
  });
});
