import { waitForTrace } from '@wideline/testkit';
import { QueueEvents } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { jobStep, Queue, runSaga, type SagaStep, StepOutcomeUnknownError, sagaJobId, Worker } from '../../src/index';
import { flushSoon, inRequest, one, REDIS, useIntegrationSuite } from './setup';

interface Order {
  orderId: string;
  failAt?: string;
}

describe('saga steps run as jobs: the outcome is the job state (real Redis, read back from Jaeger)', () => {
  const service = `bullmq-int-saga-jobs-${process.pid}`;
  const suite = useIntegrationSuite(service);
  const { open, name } = suite;

  /** A step queue with a worker that records each run (and fails `failAt`, every attempt). */
  function stepQueue(label: string, options: { worker?: boolean } = {}) {
    const q = name(label);
    const queue = open(new Queue(q, { connection: REDIS }));
    const runs: string[] = [];
    const startWorker = () =>
      open(
        new Worker<Order>(
          q,
          async (job) => {
            runs.push(job.name);
            if (job.data.failAt === job.name) throw new Error(`${job.name}: refused`);
            return `${job.name} ok`;
          },
          { connection: REDIS },
        ),
      );
    if (options.worker !== false) startWorker();
    return { q, queue, runs, startWorker };
  }

  const saga = (id: string, order: Order, steps: SagaStep<Order>[]) =>
    runSaga({ name: 'order', id, context: order, steps });

  it('completes from the job state alone: no QueueEvents at all, one poll interval late at most', async () => {
    const stock = stepQueue('stock');
    const steps = [
      jobStep<Order>({ name: 'reserve', queue: stock.queue, pollMs: 100 }),
      jobStep<Order>({ name: 'pick', queue: stock.queue, pollMs: 100 }),
    ];
    const request = await inRequest(suite.tracing, 'POST /orders', () => saga('o-1', { orderId: 'o-1' }, steps));
    expect(request.value).toMatchObject({ outcome: 'completed' });
    expect(stock.runs).toEqual(['reserve', 'pick']);
    await flushSoon(suite.tracing);
    const spans = await waitForTrace(request.traceId, 8);
    const reserve = one(spans, 'saga.step reserve');
    expect(reserve.attributes).toMatchObject({
      'wideline.saga.job_id': 'order/o-1/reserve',
      'wideline.saga.replayed': false,
    });
    // step → send → process: the job joined the saga's trace.
    const send = spans.find((s) => s.name === `send ${stock.q}` && s.parentSpanId === reserve.spanId);
    expect(spans.find((s) => s.name === `process ${stock.q}` && s.parentSpanId === send?.spanId)).toBeDefined();
  });

  it('run again with the same id, the saga replays: no step job runs twice, the outcome is the same', async () => {
    const stock = stepQueue('stock-replay');
    const events = open(new QueueEvents(stock.q, { connection: REDIS }));
    await events.waitUntilReady();
    const steps = [
      jobStep<Order>({ name: 'reserve', queue: stock.queue, events, compensate: { job: 'release' } }),
      jobStep<Order>({ name: 'charge', queue: stock.queue, events, compensate: { job: 'refund' } }),
      jobStep<Order>({ name: 'ship', queue: stock.queue, events, jobOptions: { attempts: 2 } }),
    ];
    const order = { orderId: 'o-2', failAt: 'ship' };
    const first = await saga('o-2', order, steps);
    expect(first).toMatchObject({ outcome: 'compensated', failedStep: 'ship' });
    expect((first.error as Error).message).toBe('ship: refused');
    // The ship job was retried once (attempts: 2); the saga waited for its final failure.
    expect(stock.runs).toEqual(['reserve', 'charge', 'ship', 'ship', 'refund', 'release']);
    const again = await inRequest(suite.tracing, 'replay', () => saga('o-2', order, steps));
    expect(again.value).toMatchObject({ outcome: 'compensated', failedStep: 'ship' });
    expect(stock.runs).toHaveLength(6);
    await flushSoon(suite.tracing);
    const spans = await waitForTrace(again.traceId, 7);
    for (const step of ['reserve', 'charge', 'ship'])
      expect(one(spans, `saga.step ${step}`).attributes['wideline.saga.replayed']).toBe(true);
    expect(spans.filter((s) => s.name.startsWith('send '))).toEqual([]);
    expect(one(spans, 'saga.compensate charge').attributes['wideline.saga.job_id']).toBe('order/o-2/charge/undo');
  });

  it('a step whose job does not end in time interrupts the saga; run again once a worker is there, it completes', async () => {
    const stock = stepQueue('stock-slow');
    const payments = stepQueue('payments-none', { worker: false });
    const steps = [
      jobStep<Order>({ name: 'reserve', queue: stock.queue, pollMs: 50, compensate: { job: 'release' } }),
      jobStep<Order>({ name: 'charge', queue: payments.queue, pollMs: 50, timeoutMs: 600 }),
    ];
    const first = await saga('o-3', { orderId: 'o-3' }, steps);
    expect(first).toMatchObject({ outcome: 'interrupted', pendingStep: 'charge' });
    expect(first.error).toBeInstanceOf(StepOutcomeUnknownError);
    expect((first.error as Error).message).toMatch(
      /outcome of job order\/o-3\/charge is unknown after 600 ms \(still waiting\)/,
    );
    // Nothing was compensated: the charge may still happen.
    expect(stock.runs).toEqual(['reserve']);
    payments.startWorker();
    const second = await saga('o-3', { orderId: 'o-3' }, steps);
    expect(second).toMatchObject({ outcome: 'completed' });
    expect([stock.runs, payments.runs]).toEqual([['reserve'], ['charge']]);
  });

  it('job ids are the saga’s name, id and step, URI-encoded (BullMQ refuses a colon)', () => {
    expect(sagaJobId({ saga: 'order', id: 'a:b/c', step: 'charge', index: 1, role: 'compensation' })).toBe(
      'order/a%3Ab%2Fc/charge/undo',
    );
  });
});
