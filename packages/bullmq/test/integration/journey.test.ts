import { trace } from '@opentelemetry/api';
import { fetchTrace, waitForTrace } from '@wideline/testkit';
import { Queue as BullQueue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { FlowProducer, Queue, Worker } from '../../src/index';
import {
  byName,
  countdown,
  current,
  deferred,
  flushSoon,
  inRequest,
  linkTypes,
  one,
  REDIS,
  useIntegrationSuite,
} from './setup';

describe('one trace from a request through BullMQ queues and flows (real Redis, read back from Jaeger)', () => {
  const suite = useIntegrationSuite(`bullmq-int-journey-${process.pid}`);
  const { open, name } = suite;

  it('producer span → add → process → a child job → its process, all in one trace with the right parents', async () => {
    const [qa, qb] = [name('orders'), name('emails')];
    const orders = open(new Queue(qa, { connection: REDIS }));
    const emails = open(new Queue(qb, { connection: REDIS }));
    const done = deferred<string>();
    open(
      new Worker(
        qa,
        async (job) => {
          await emails.add('receipt', { order: job.data });
          return 'charged';
        },
        { connection: REDIS },
      ),
    );
    const signals: unknown[] = [];
    open(
      new Worker(
        qb,
        async (_job, _token, signal) => {
          signals.push(signal);
          done.resolve(current().traceId);
        },
        { connection: REDIS },
      ),
    );

    const { traceId, spanId } = await inRequest(suite.tracing, 'POST /orders', () =>
      orders.add('charge', { id: 'o-1' }),
    );
    expect(await done.promise).toBe(traceId);
    expect(signals[0]).toBeInstanceOf(AbortSignal); // cancellation still works through the wrapper
    await flushSoon(suite.tracing);

    const spans = await waitForTrace(traceId, 5);
    const sendA = byName(spans, `send ${qa}`)[0];
    const processA = one(spans, `process ${qa}`);
    const sendB = one(spans, `send ${qb}`);
    const processB = one(spans, `process ${qb}`);
    expect(sendA?.parentSpanId).toBe(spanId);
    expect(processA.parentSpanId).toBe(sendA?.spanId);
    expect(sendB.parentSpanId).toBe(processA.spanId);
    expect(processB.parentSpanId).toBe(sendB.spanId);
    expect(processA.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': qa,
      'messaging.bullmq.job.name': 'charge',
      'messaging.bullmq.job.outcome': 'completed',
      'messaging.bullmq.job.start_reason': 'fresh',
    });
    expect(sendA?.attributes['messaging.message.id']).toBe(processA.attributes['messaging.message.id']);
  });

  it('addBulk of 100: a create span per job, one send span linking them, each process span under its create', async () => {
    const q = name('bulk');
    const queue = open(new Queue(q, { connection: REDIS }));
    const all = countdown(100);
    open(new Worker(q, async () => all.tick(), { connection: REDIS, concurrency: 20 }));
    const jobs = Array.from({ length: 100 }, (_, i) => ({ name: 'item', data: { i } }));
    const { traceId } = await inRequest(suite.tracing, 'import', () => queue.addBulk(jobs));
    await all.promise;
    await flushSoon(suite.tracing);

    const spans = await waitForTrace(traceId, 202);
    const creates = byName(spans, `create ${q}`);
    const send = one(spans, `send ${q}`);
    const processes = byName(spans, `process ${q}`);
    expect(creates).toHaveLength(100);
    expect(processes).toHaveLength(100);
    expect(send.attributes['messaging.batch.message_count']).toBe(100);
    expect(new Set(send.links.map((l) => l.spanId))).toEqual(new Set(creates.map((c) => c.spanId)));
    const createIds = new Set(creates.map((c) => c.spanId));
    expect(processes.every((p) => createIds.has(p.parentSpanId ?? ''))).toBe(true);
    expect(new Set(processes.map((p) => p.parentSpanId)).size).toBe(100);
  });

  it('a flow three levels deep belongs to the trace that created it; a parent links to its children', async () => {
    const [top, mid, leaf] = [name('flow-top'), name('flow-mid'), name('flow-leaf')];
    const flows = open(new FlowProducer({ connection: REDIS }));
    const finished = deferred();
    open(new Worker(leaf, async () => 'leaf', { connection: REDIS }));
    open(new Worker(mid, async () => 'mid', { connection: REDIS }));
    open(new Worker(top, async () => finished.resolve(), { connection: REDIS }));
    const { traceId } = await inRequest(suite.tracing, 'POST /shipments', () =>
      flows.add({
        name: 'ship',
        queueName: top,
        children: [{ name: 'pack', queueName: mid, children: [{ name: 'pick', queueName: leaf }] }],
      }),
    );
    await finished.promise;
    await flushSoon(suite.tracing);

    const spans = await waitForTrace(traceId, 8);
    const [cTop, cMid, cLeaf] = [
      one(spans, `create ${top}`),
      one(spans, `create ${mid}`),
      one(spans, `create ${leaf}`),
    ];
    const [pTop, pMid, pLeaf] = [
      one(spans, `process ${top}`),
      one(spans, `process ${mid}`),
      one(spans, `process ${leaf}`),
    ];
    expect(cMid.parentSpanId).toBe(cTop.spanId);
    expect(cLeaf.parentSpanId).toBe(cMid.spanId);
    expect([pTop.parentSpanId, pMid.parentSpanId, pLeaf.parentSpanId]).toEqual([
      cTop.spanId,
      cMid.spanId,
      cLeaf.spanId,
    ]);
    expect(linkTypes(pTop)).toEqual([[cMid.spanId, 'child']]);
    expect(linkTypes(pMid)).toEqual([[cLeaf.spanId, 'child']]);
    expect(pTop.attributes['messaging.bullmq.job.children_count']).toBe(1);
    expect(one(spans, `send ${top}`).links).toHaveLength(3);
  });

  it('FlowProducer.addBulk: one send span for all flows, a create span per node, every job in the trace', async () => {
    const [parents, kids] = [name('bulk-flow-parent'), name('bulk-flow-child')];
    const flows = open(new FlowProducer({ connection: REDIS }));
    const both = countdown(2);
    open(new Worker(kids, async () => 'kid', { connection: REDIS }));
    open(new Worker(parents, async () => both.tick(), { connection: REDIS }));
    const { traceId } = await inRequest(suite.tracing, 'POST /batches', () =>
      flows.addBulk(
        ['a', 'b'].map((n) => ({ name: n, queueName: parents, children: [{ name: `${n}-kid`, queueName: kids }] })),
      ),
    );
    await both.promise;
    await flushSoon(suite.tracing);
    const spans = await waitForTrace(traceId, 10);
    const send = one(spans, `send ${parents}`);
    expect(send.attributes).toMatchObject({
      'messaging.operation.name': 'addBulkFlows',
      'messaging.batch.message_count': 4,
    });
    expect(byName(spans, `create ${parents}`)).toHaveLength(2);
    expect(byName(spans, `create ${kids}`)).toHaveLength(2);
    const creates = new Set(
      [...byName(spans, `create ${parents}`), ...byName(spans, `create ${kids}`)].map((s) => s.spanId),
    );
    const processes = [...byName(spans, `process ${parents}`), ...byName(spans, `process ${kids}`)];
    expect(processes).toHaveLength(4);
    expect(processes.every((p) => creates.has(p.parentSpanId ?? ''))).toBe(true);
  });

  it('a worker created inside a request span does not leak that context into its loop or its jobs', async () => {
    const q = name('ambient');
    const plain = open(new BullQueue(q, { connection: REDIS }));
    const seen = deferred<{ traceId: string; spanId: string }>();
    const inLoop: Array<string | undefined> = [];
    const boot = await inRequest(suite.tracing, 'boot', async () => {
      const worker = open(
        new Worker(q, async () => seen.resolve(current()), { connection: REDIS, stalledInterval: 200 }),
      );
      // Events are emitted from the worker's own loop: what is active there is what Redis or HTTP
      // instrumentation in the host would parent its spans to.
      worker.on('active', () => inLoop.push(trace.getActiveSpan()?.spanContext().traceId));
      worker.on('drained', () => inLoop.push(trace.getActiveSpan()?.spanContext().traceId));
    });
    await new Promise((r) => setTimeout(r, 500)); // a couple of stalled-check ticks
    await plain.add('untraced', {});
    const job = await seen.promise;
    expect(job.traceId).not.toBe(boot.traceId);
    await flushSoon(suite.tracing);
    const spans = await waitForTrace(job.traceId, 1);
    expect(one(spans, `process ${q}`).parentSpanId).toBeUndefined();
    expect(one(spans, `process ${q}`).attributes['messaging.bullmq.job.start_reason']).toBe('none');
    expect((await fetchTrace(boot.traceId)).map((s) => s.name)).toEqual(['boot']);
    expect(inLoop.length).toBeGreaterThan(0);
    expect(inLoop.every((t) => t === undefined)).toBe(true);
  });
});
