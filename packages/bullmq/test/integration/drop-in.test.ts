import { waitForTrace } from '@wideline/testkit';
import { type BackendFactory, createRedisBackend, type RedisQueueBackend } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { FlowProducer, Queue, Worker } from '../../src/index';
import { current, deferred, flushSoon, inRequest, one, useIntegrationSuite } from './setup';

// The classes are built every way BullMQ's own are: with a backend factory as the last argument, and
// without options at all (BullMQ's defaults: Redis on localhost:6379, where the stack's Redis is).
describe('built as BullMQ allows (real Redis, read back from Jaeger)', () => {
  const suite = useIntegrationSuite(`bullmq-int-drop-in-${process.pid}`);
  const { open, name } = suite;

  it('hands a backend factory to BullMQ for the queue, the worker and its log reader, and still traces', async () => {
    const q = name('factory');
    const built: string[] = [];
    const factory: BackendFactory<RedisQueueBackend> = (queueName, opts, options) => {
      built.push(queueName);
      return createRedisBackend(queueName, opts, options);
    };
    const queue = open(
      new Queue<{ n: number }, unknown, string, { n: number }, unknown, string, RedisQueueBackend>(
        q,
        { connection: {} },
        factory,
      ),
    );
    const done = deferred<{ traceId: string; attempt: number }>();
    open(
      new Worker<{ n: number }, void, string, RedisQueueBackend>(
        q,
        async (job) => {
          if (job.attemptsMade === 0) throw new Error('first attempt fails'); // the retry reads the log
          done.resolve({ traceId: current().traceId, attempt: job.attemptsMade + 1 });
        },
        { connection: {}, wideline: { attemptLogAfterMs: 0 } },
        factory,
      ),
    );
    const { traceId } = await inRequest(suite.tracing, 'POST /factory', () =>
      queue.add('n', { n: 1 }, { attempts: 2 }),
    );
    const retry = await done.promise;
    expect(retry.attempt).toBe(2);
    // Queue, worker, and the plain queue the worker reads attempt logs through: all on the factory.
    expect(built.filter((n) => n === q).length).toBeGreaterThanOrEqual(3);
    await flushSoon(suite.tracing);
    const spans = await waitForTrace(traceId, 3);
    const send = one(spans, `send ${q}`);
    const first = spans.find((s) => s.name === `process ${q}` && s.parentSpanId === send.spanId);
    expect(first?.status.code).toBe(2); // ERROR
    const retried = await waitForTrace(retry.traceId, 1);
    // The retry starts its own trace (the default `link` policy) and links to the failed attempt.
    expect(one(retried, `process ${q}`).links.map((l) => l.spanId)).toContain(first?.spanId);
  });

  it('works without options where BullMQ does (`new Queue(name)`, `new FlowProducer()`)', async () => {
    const q = name('defaults');
    const queue = open(new Queue(q));
    const flows = open(new FlowProducer());
    const done = deferred<string>();
    // BullMQ's Worker types allow leaving out the options, but its constructor then throws
    // "Worker requires a connection"; ours does the same. `{}` is ioredis's localhost:6379.
    expect(() => new Worker(q, async () => undefined)).toThrow(/requires a connection/);
    open(
      new Worker(
        q,
        async (job) => {
          const data: unknown = job.data; // `any`, as in BullMQ
          if (job.name === 'child') done.resolve(current().traceId);
          return data;
        },
        { connection: {} },
      ),
    );
    const { traceId } = await inRequest(suite.tracing, 'POST /defaults', async () => {
      await queue.add('plain', { n: 1 });
      return flows.add({ name: 'parent', queueName: q, children: [{ name: 'child', queueName: q }] });
    });
    expect(await done.promise).toBe(traceId);
  });
});
