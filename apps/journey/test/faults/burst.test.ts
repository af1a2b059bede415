/**
 * 500 orders in one burst: every trace complete in Jaeger (no orphaned span, every saga step's jobs
 * there, the same story as the ledger), any span that did not arrive counted as dropped by the process
 * that made it, and the memory of each process bounded.
 */
import { describe, expect, it } from 'vitest';
import { sampleMemory } from '../../src/faults/memory.ts';
import { latency, placeOrders, statusCounts } from '../../src/faults/orders.ts';
import { linkedStoryReader, lossReport, readStories } from '../../src/faults/story.ts';
import { customerView, expectedEffects, records, report, tracedEffects, useApps } from './setup.ts';

const ORDERS = 500;
const MB = 1024 * 1024;

/** Spans each process counted as dropped so far. */
async function droppedSpans(jobsUrl: string, edgeUrl: string): Promise<Record<string, number>> {
  const jobs = (await (await fetch(`${jobsUrl}/internal/telemetry`)).json()) as {
    export: { spansDroppedQueueFull: number; spansDroppedExportFailed: number; spansExported: number };
  };
  const edge = (await (await fetch(`${edgeUrl}/internal/telemetry`)).json()) as {
    requests: { spansDropped: number; spansSent: number };
    pipeline: { export: { spansDroppedQueueFull: number } };
  };
  return {
    jobs: jobs.export.spansDroppedQueueFull + jobs.export.spansDroppedExportFailed,
    'edge-api': edge.requests.spansDropped + edge.pipeline.export.spansDroppedQueueFull,
  };
}

describe(`a burst of ${ORDERS} orders`, () => {
  const apps = useApps();

  it('every trace complete, every drop counted, every process within its memory bound', async () => {
    const { urls, stack } = apps();
    const memory = sampleMemory(apps().pids());
    const started = Date.now();
    const placed = await placeOrders(urls.edge, { count: ORDERS, concurrency: 20, failEvery: 5 });
    const byId = await records(apps(), placed);
    const seconds = (Date.now() - started) / 1000;
    const rss = memory.stop();
    const stories = await readStories(placed, linkedStoryReader(stack.jaegerQuery), { timeoutMs: 90_000 });
    const loss = lossReport(stories);
    const dropped = await droppedSpans(urls.jobs, urls.edge);
    const incomplete = stories.filter(
      (s) =>
        s.orphans > 0 ||
        tracedEffects(s).join() !== expectedEffects(s.placed.failAt ? 'compensated' : 'completed').join(),
    );
    const mb = (n: number) => Math.round(n / MB);
    report('burst-500', {
      seconds: Math.round(seconds),
      ...loss,
      incompleteTraces: incomplete.length,
      spans: stories.reduce((sum, s) => sum + s.spans, 0),
      droppedCounted: dropped,
      latency: latency(placed),
      rssMb: Object.fromEntries(
        Object.keys(rss.peak).map((k) => [k, { first: mb(rss.first[k] ?? 0), peak: mb(rss.peak[k] ?? 0) }]),
      ),
    });

    expect(statusCounts(placed)).toEqual({ 202: ORDERS });
    expect(loss).toMatchObject({ completed: 400, compensated: 100, lost: 0, chargedAndCancelled: 0, orphanSpans: 0 });
    for (const story of stories) {
      const expected = story.placed.failAt ? 'compensated' : 'completed';
      const record = byId.get(story.placed.orderId as string);
      expect(customerView(record), JSON.stringify(record)).toEqual({
        outcome: expected,
        effects: expectedEffects(expected),
      });
    }
    // Complete traces; and were one not, its spans would have to be counted as dropped somewhere.
    expect(incomplete.length === 0 || Object.values(dropped).some((n) => n > 0)).toBe(true);
    expect(incomplete.map((s) => s.placed.traceId)).toEqual([]);
    // Bounded, with room for a noisy machine: the Node service's heap and export queue, and wrangler
    // with its workerd (~0.7 GB idle on this machine) — an unbounded queue or outbox would grow with
    // the burst's ~17 000 spans.
    expect(rss.peak.jobs ?? 0).toBeLessThan(600 * MB);
    expect(rss.peak['edge-api'] ?? 0).toBeLessThan(1800 * MB);
  });
});
