import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { beforeEach, expect, it } from 'vitest';
import type { Env } from './fixtures/unit-worker';
import { PARENT_ID, parentId, reset, SpanKind, spans, TRACE_ID, TRACEPARENT, waitFor, worker } from './helpers';

beforeEach(() => reset());

it('carries the producer context through a real queue to the consumer, which sees the body it was sent', async () => {
  const response = await exports.default.fetch('https://edge.test/queue?order=42', {
    headers: { traceparent: TRACEPARENT },
  });
  expect(await response.text()).toBe('queued');
  const consumer = await waitFor((all) =>
    all.find((s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.batch.message_count'] === 2),
  );
  const producers = spans().filter((s) => s.kind === SpanKind.PRODUCER);
  expect(producers).toHaveLength(2);
  // Both ends name the queue (semantic conventions), not the producer's binding.
  expect(producers[0]?.name).toBe('send jobs');
  expect(producers[0]?.attributes).toMatchObject({
    'messaging.system': 'cloudflare_queues',
    'messaging.destination.name': 'jobs',
    'cloudflare.binding': 'QUEUE',
  });

  // The object body carried the first producer's context; the string body could not carry any.
  expect(consumer.name).toBe('process jobs');
  expect(consumer.attributes['messaging.destination.name']).toBe(
    producers[0]?.attributes['messaging.destination.name'],
  );
  expect(consumer.spanContext().traceId).toBe(TRACE_ID);
  expect(parentId(consumer)).toBe(producers[0]?.spanContext().spanId);
  expect(consumer.links.map((l) => l.context.spanId)).toEqual([producers[0]?.spanContext().spanId]);
  expect(consumer.attributes['messaging.cloudflare.acked']).toBe(2);

  const stored = await (env as Env).KV.list({ prefix: 'seen:' });
  const bodies = await Promise.all(stored.keys.map(async (k) => (env as Env).KV.get(k.name)));
  expect(bodies.sort()).toEqual(['"plain text body"', '{"order":"42"}']);
});

it('links a mixed batch to every producer instead of choosing one parent', async () => {
  const other = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
  const batch = createMessageBatch('jobs', [
    { id: 'a', timestamp: new Date(), attempts: 1, body: { n: 1, wideline: { traceparent: TRACEPARENT } } },
    { id: 'b', timestamp: new Date(), attempts: 1, body: { n: 2, wideline: { traceparent: other } } },
    { id: 'c', timestamp: new Date(), attempts: 1, body: { n: 3, wideline: { traceparent: 'garbage' } } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env as Env, ctx);
  const result = await getQueueResult(batch, ctx);
  expect(result.explicitAcks).toEqual(['a', 'b', 'c']);
  const consumer = spans().find((s) => s.kind === SpanKind.CONSUMER);
  expect(consumer?.attributes['messaging.batch.message_count']).toBe(3);
  expect(consumer?.spanContext().traceId).not.toBe(TRACE_ID);
  expect(parentId(consumer!)).toBeUndefined();
  expect(consumer?.links.map((l) => `${l.context.traceId}/${l.context.spanId}`)).toEqual([
    `${TRACE_ID}/${PARENT_ID}`,
    `${'1'.repeat(32)}/${'2'.repeat(16)}`,
  ]);
});
