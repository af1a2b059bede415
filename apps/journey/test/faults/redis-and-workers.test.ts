/**
 * The stack's Redis killed under queued and in-flight sagas, and the jobs service SIGKILLed in the
 * middle of its steps: every order must end completed or compensated — never charged and cancelled —
 * no job may be lost, and the traces must tell the same story as the ledger.
 */
import { killStackService, startStackService } from '@wideline/testkit';
import { describe, expect, it } from 'vitest';
import { latency, placeOrders, statusCounts } from '../../src/faults/orders.ts';
import { linkedStoryReader, lossReport, readStories } from '../../src/faults/story.ts';
import {
  customerView,
  expectedEffects,
  FAST_STALLS,
  queueBack,
  records,
  report,
  spansOnceThere,
  tracedEffects,
  useApps,
} from './setup.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis restarted and the jobs service killed, under sagas', () => {
  const apps = useApps(FAST_STALLS);

  it('Redis killed with 40 sagas queued and in flight: none lost, none wrongly compensated; orders placed meanwhile get a fast 503', async () => {
    const { urls, stack } = apps();
    const burst = placeOrders(urls.edge, { count: 40, concurrency: 40, failEvery: 4 });
    await sleep(600); // 20 sagas in flight (the worker's concurrency), the rest queued
    await killStackService('redis');
    const whileDown = await placeOrders(urls.edge, { count: 3, concurrency: 3, timeoutMs: 20_000 });
    await sleep(2000);
    await startStackService('redis');
    const placed = await burst;
    await queueBack(apps());

    // Fail fast, traced: the SDK's traceresponse names the trace of each refusal.
    expect(whileDown.map((o) => o.status)).toEqual([503, 503, 503]);
    expect(Math.max(...whileDown.map((o) => o.ms))).toBeLessThan(2000);
    expect(whileDown.every((o) => o.traceId !== undefined)).toBe(true);

    expect(statusCounts(placed)).toEqual({ 202: 40 });
    const byId = await records(apps(), placed);
    const stories = await readStories(placed, linkedStoryReader(stack.jaegerQuery), { timeoutMs: 60_000 });
    const loss = lossReport(stories);
    report('redis-restart', {
      ...loss,
      whileDown: whileDown.map((o) => ({ status: o.status, ms: Math.round(o.ms) })),
      latency: latency(placed),
    });
    expect(loss).toMatchObject({
      accepted: 40,
      completed: 30,
      compensated: 10,
      lost: 0,
      chargedAndCancelled: 0,
      chargedTwice: 0,
      stockLeaked: 0,
      shippedButCancelled: 0,
      wronglyCompensated: 0,
      orphanSpans: 0,
    });
    for (const story of stories) {
      const expected = story.placed.failAt ? 'compensated' : 'completed';
      const customer = customerView(byId.get(story.placed.orderId as string));
      // No job lost: the order's job ran to its end, with the ledger a customer would see…
      expect(customer, `order ${story.placed.orderId}`).toEqual({
        outcome: expected,
        effects: expectedEffects(expected),
      });
      // …and every trace whole: its spans tell the same story.
      expect([story.outcome, tracedEffects(story)], `trace ${story.placed.traceId}`).toEqual([
        expected,
        expectedEffects(expected),
      ]);
    }
  });

  it('the refusals are traced: edge-api and jobs spans with the error, the failed add on the producer span', async () => {
    const { urls, stack } = apps();
    await killStackService('redis');
    let refused: Awaited<ReturnType<typeof placeOrders>>;
    try {
      refused = await placeOrders(urls.edge, { count: 1 });
    } finally {
      await startStackService('redis');
    }
    await queueBack(apps());
    const [order] = refused;
    expect(order?.status).toBe(503);
    const spans = await spansOnceThere(stack.jaegerQuery, order?.traceId as string, ['edge-api', 'jobs']);
    const named = (service: string, name: string) => spans.find((s) => s.service === service && s.name === name);
    const edge = named('edge-api', 'POST /api/orders');
    const jobs = named('jobs', 'POST /orders');
    const send = named('jobs', 'send orders');
    expect([edge?.status.code, edge?.attributes['http.response.status_code']]).toEqual(['ERROR', 503]);
    expect([
      jobs?.status.code,
      jobs?.attributes['http.response.status_code'],
      jobs?.attributes['queue.unavailable'],
    ]).toEqual(['ERROR', 503, true]);
    expect(jobs?.events.some((e) => e.name === 'exception')).toBe(true);
    expect(send?.status.code).toBe('ERROR');
  });

  it('the jobs service SIGKILLed mid-step: stalled jobs are retried, sagas replay to the right end, the traces link the dead attempts', async () => {
    const { urls, stack } = apps();
    const placed = await placeOrders(urls.edge, { count: 20, concurrency: 20, failEvery: 4 });
    await sleep(300); // every saga is in its first or second step
    await apps().jobs.kill('SIGKILL');
    const killedAt = Date.now();
    await apps().jobs.start();
    const byId = await records(apps(), placed);
    const settleSeconds = (Date.now() - killedAt) / 1000;
    const stories = await readStories(placed, linkedStoryReader(stack.jaegerQuery), { timeoutMs: 60_000 });
    const loss = lossReport(stories);
    const stalled = stories.flatMap((s) => s.stalledRepicks);
    report('jobs-sigkill', { ...loss, settleSeconds, stalledRepicks: stalled.length });
    expect(loss).toMatchObject({
      accepted: 20,
      completed: 15,
      compensated: 5,
      lost: 0,
      chargedAndCancelled: 0,
      chargedTwice: 0,
      stockLeaked: 0,
      shippedButCancelled: 0,
      wronglyCompensated: 0,
    });
    for (const story of stories) {
      const expected = story.placed.failAt ? 'compensated' : 'completed';
      expect(customerView(byId.get(story.placed.orderId as string)), `order ${story.placed.orderId}`).toEqual({
        outcome: expected,
        effects: expectedEffects(expected),
      });
      // The spans of the killed process that had not been exported yet are gone (no SDK can send
      // them); the replay's step spans still name every step that ran, read from its job.
      const steps = expected === 'completed' ? ['reserve', 'charge', 'ship'] : ['reserve', 'charge'];
      for (const step of steps)
        expect(story.sagaSpans[`saga.step ${step}`]?.ok, `trace ${story.placed.traceId}: ${step}`).toBe(true);
      if (expected === 'compensated')
        expect(
          ['saga.step ship', 'saga.compensate charge', 'saga.compensate reserve'].map((n) => story.sagaSpans[n]?.ok),
        ).toEqual([false, true, true]);
    }
    // Every order's saga was re-picked after its worker died, and says which attempt it replaces.
    const sagas = stalled.filter((r) => r.name === 'process orders');
    expect(sagas.length).toBe(20);
    expect(sagas.every((r) => r.previousAttempt !== undefined)).toBe(true);
    // Killed spans never end, so they never reach Jaeger: the link points at a span that is missing.
    expect(sagas.every((r) => r.previousAttemptInTrace === false)).toBe(true);
  });
});
