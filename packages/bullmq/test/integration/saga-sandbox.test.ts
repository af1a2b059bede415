import { join } from 'node:path';
import { wideEvent } from '@wideline/core';
import { waitForTrace } from '@wideline/testkit';
import { describe, expect, it } from 'vitest';
import { Queue, runSaga, Worker } from '../../src/index';
import { current, deferred, flushSoon, inRequest, linkTypes, one, REDIS, useIntegrationSuite } from './setup';

describe('an order saga in a job, and a sandboxed processor (real Redis, read back from Jaeger)', () => {
  const service = `bullmq-int-saga-${process.pid}`;
  const suite = useIntegrationSuite(service);
  const { open, name } = suite;

  it('a saga whose third step fails: compensations present, linked to the steps they undo and to the failure', async () => {
    const q = name('order-saga');
    const queue = open(new Queue(q, { connection: REDIS }));
    const failed = deferred();
    const undone: string[] = [];
    const worker = open(
      new Worker<{ orderId: string }>(
        q,
        async (job) => {
          const result = await runSaga({
            name: 'order',
            id: job.data.orderId,
            context: job.data,
            steps: [
              { name: 'reserve', run: () => 'r-1', compensate: () => undone.push('reserve') },
              { name: 'charge', run: () => 'c-1', compensate: () => undone.push('charge') },
              {
                name: 'ship',
                run: () => {
                  throw new Error('no courier available');
                },
              },
            ],
          });
          if (result.outcome !== 'completed') throw result.error;
        },
        { connection: REDIS },
      ),
    );
    worker.on('failed', () => failed.resolve());
    const request = await inRequest(suite.tracing, 'POST /orders', () => queue.add('place', { orderId: 'o-77' }));
    await failed.promise;
    await flushSoon(suite.tracing);
    expect(undone).toEqual(['charge', 'reserve']);

    const spans = await waitForTrace(request.traceId, 9);
    const processed = one(spans, `process ${q}`);
    const saga = one(spans, 'saga order');
    expect(saga.parentSpanId).toBe(processed.spanId);
    expect(processed.attributes).toMatchObject({
      'wideline.saga.outcome': 'compensated',
      'wideline.saga.failed_step': 'ship',
      'messaging.bullmq.job.outcome': 'failed',
    });
    const step = (n: string) => one(spans, `saga.step ${n}`);
    for (const [i, n] of ['reserve', 'charge', 'ship'].entries()) {
      expect(step(n).attributes).toMatchObject({
        'wideline.saga.name': 'order',
        'wideline.saga.id': 'o-77',
        'wideline.saga.role': 'step',
        'wideline.saga.step': n,
        'wideline.saga.step_index': i,
      });
    }
    expect(step('ship').status.code).toBe(2);
    expect(step('ship').events.map((e) => e.name)).toContain('exception');
    for (const n of ['reserve', 'charge']) {
      const undo = one(spans, `saga.compensate ${n}`);
      expect(undo.attributes).toMatchObject({
        'wideline.saga.name': 'order',
        'wideline.saga.id': 'o-77',
        'wideline.saga.role': 'compensation',
        'wideline.saga.step': n,
        'wideline.saga.compensates': n,
        'wideline.saga.failed_step': 'ship',
        'wideline.saga.reason': 'no courier available',
      });
      expect(linkTypes(undo)).toEqual([
        [step(n).spanId, 'compensates'],
        [step('ship').spanId, 'failed_step'],
      ]);
    }
    const undoCharge = one(spans, 'saga.compensate charge');
    const undoReserve = one(spans, 'saga.compensate reserve');
    expect(undoCharge.startNs <= undoReserve.startNs).toBe(true);
  });

  it('a sandboxed processor (a file run in a child process) gets the same context and span', async () => {
    const q = name('sandboxed');
    const queue = open(new Queue(q, { connection: REDIS }));
    process.env.WIDELINE_SANDBOX_SERVICE = `${service}-sandbox`;
    const done = deferred<{ pid: number }>();
    const worker = open(
      new Worker(q, join(import.meta.dirname, 'fixtures', 'sandbox-processor.mjs'), {
        connection: REDIS,
        // The child runs the built packages, as in production, not the test runner's source condition.
        workerForkOptions: { execArgv: [] },
      }),
    );
    worker.on('completed', (_job, result) => done.resolve(result as { pid: number }));
    worker.on('failed', (_job, error) => done.reject(error));
    const request = await inRequest(suite.tracing, 'POST /sandboxed', () => queue.add('render', { orderId: 'o-9' }));
    const { pid } = await done.promise;
    expect(pid).not.toBe(process.pid);
    await flushSoon(suite.tracing);

    const spans = await waitForTrace(request.traceId, 3);
    const processed = one(spans, `process ${q}`);
    expect(processed.service).toBe(`${service}-sandbox`);
    expect(processed.parentSpanId).toBe(one(spans, `send ${q}`).spanId);
    expect(processed.attributes).toMatchObject({
      'sandbox.pid': pid,
      'order.id': 'o-9',
      'messaging.bullmq.job.outcome': 'completed',
      'messaging.bullmq.job.start_reason': 'fresh',
      'messaging.destination.name': q,
    });
  });

  it('wide-event fields a processor adds land on the process span', async () => {
    const q = name('wide');
    const queue = open(new Queue(q, { connection: REDIS }));
    const ran = deferred<{ traceId: string; spanId: string }>();
    open(
      new Worker(
        q,
        async () => {
          wideEvent().set('customer.tier', 'gold').increment('emails.sent', 2);
          ran.resolve(current());
          return 'x'.repeat(40);
        },
        { connection: REDIS },
      ),
    );
    const request = await inRequest(suite.tracing, 'POST /wide', () => queue.add('mail', {}));
    const attempt = await ran.promise;
    await flushSoon(suite.tracing);
    const processed = one(await waitForTrace(request.traceId, 3), `process ${q}`);
    expect(processed.spanId).toBe(attempt.spanId);
    expect(processed.attributes).toMatchObject({
      'customer.tier': 'gold',
      'emails.sent': 2,
      'messaging.bullmq.job.result_size': 40,
    });
    expect(processed.attributes['messaging.bullmq.job.queue_wait_ms']).toBeGreaterThanOrEqual(0);
    expect(processed.attributes['messaging.bullmq.job.processing_ms']).toBeGreaterThanOrEqual(0);
  });
});
