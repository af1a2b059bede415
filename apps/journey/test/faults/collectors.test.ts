/**
 * The collectors fail under load — Jaeger stopped (SIGSTOP: it holds its sockets and answers nothing)
 * and killed (SIGKILL: connections refused), Spotlight killed — and the apps must not notice: the same
 * answers, latency within a generous bound of a run with everything up (the ratios are reported, not
 * asserted tighter: this is not a benchmark), drops counted, and once Jaeger is back, new traces from
 * every service.
 */
import { killStackService, pauseStackService, resumeStackService, startStackService } from '@wideline/testkit';
import { describe, expect, it } from 'vitest';
import type { RunningJourney } from '../../src/apps.ts';
import { outcomeOf } from '../../src/faults/ledger.ts';
import { latency, type PlacedOrder, placeOrders, statusCounts } from '../../src/faults/orders.ts';
import { linkedStoryReader, readStories } from '../../src/faults/story.ts';
import { records, report, useApps } from './setup.ts';

/** Orders placed, then waited for until every saga ended (read from the jobs service, not Jaeger). */
async function burst(
  apps: RunningJourney,
  failEvery = 0,
): Promise<{ placed: PlacedOrder[]; outcomes: string[]; odd: (expected: string) => string }> {
  const placed = await placeOrders(apps.urls.edge, { count: 40, concurrency: 8, failEvery });
  const byId = await records(apps, placed);
  const outcomes = [...byId.values()].map((r) => outcomeOf(r) ?? 'unfinished');
  // For a failing assertion: the records that did not end as expected.
  const odd = (expected: string) => JSON.stringify([...byId.entries()].filter(([, r]) => outcomeOf(r) !== expected));
  return { placed, outcomes, odd };
}

/** Spans each process counted as dropped so far (the jobs pipeline, the Worker's OTLP sender). */
async function dropped(apps: RunningJourney): Promise<{ jobs: number; edge: number }> {
  const jobs = (await (await fetch(`${apps.urls.jobs}/internal/telemetry`)).json()) as {
    export: { spansDroppedQueueFull: number; spansDroppedExportFailed: number };
  };
  const edge = (await (await fetch(`${apps.urls.edge}/internal/telemetry`)).json()) as {
    requests: { spansDropped: number };
    pipeline: { export: { spansDroppedQueueFull: number } };
  };
  return {
    jobs: jobs.export.spansDroppedQueueFull + jobs.export.spansDroppedExportFailed,
    edge: edge.requests.spansDropped + edge.pipeline.export.spansDroppedQueueFull,
  };
}

const ratio = (a: { p50: number; p95: number }, b: { p50: number; p95: number }) => ({
  p50: Number((a.p50 / b.p50).toFixed(2)),
  p95: Number((a.p95 / b.p95).toFixed(2)),
});

describe('collectors down under a burst: the apps do not notice', () => {
  const apps = useApps();

  it('Jaeger stopped, then killed: same answers, latency within bounds, drops counted; traces from every service once it is back', async () => {
    await burst(apps()); // warm-up: JIT, connections, Durable Objects
    const upBefore = await burst(apps());
    await pauseStackService('jaeger');
    let stopped: Awaited<ReturnType<typeof burst>>;
    try {
      stopped = await burst(apps());
    } finally {
      await resumeStackService('jaeger');
    }
    const upAfter = await burst(apps());
    const droppedBefore = await dropped(apps());
    await killStackService('jaeger');
    let killed: Awaited<ReturnType<typeof burst>>;
    try {
      killed = await burst(apps());
      // The Worker gives up after a retry, the jobs service after its exporter's retries: counted.
      await new Promise((resolve) => setTimeout(resolve, 6000));
    } finally {
      await startStackService('jaeger');
    }
    const droppedAfter = await dropped(apps());

    const up = latency([...upBefore.placed, ...upAfter.placed]);
    const figures = {
      up,
      stopped: { ...latency(stopped.placed), ratio: ratio(latency(stopped.placed), up) },
      killed: { ...latency(killed.placed), ratio: ratio(latency(killed.placed), up) },
      droppedWhileKilled: {
        jobs: droppedAfter.jobs - droppedBefore.jobs,
        edge: droppedAfter.edge - droppedBefore.edge,
      },
    };
    for (const run of [upBefore, stopped, upAfter, killed]) {
      expect(statusCounts(run.placed)).toEqual({ 202: 40 });
      expect(new Set(run.outcomes), run.odd('completed')).toEqual(new Set(['completed']));
    }
    // A sanity bound, not a benchmark: a collector that held the apps would cost seconds per request.
    expect(figures.stopped.ratio.p95).toBeLessThan(3);
    expect(figures.killed.ratio.p95).toBeLessThan(3);
    expect(figures.droppedWhileKilled.jobs + figures.droppedWhileKilled.edge).toBeGreaterThan(0);

    // Back: new traces arrive, from every service of the journey.
    const after = await placeOrders(apps().urls.edge, { count: 5, concurrency: 5 });
    const stories = await readStories(after, linkedStoryReader(apps().stack.jaegerQuery), { timeoutMs: 60_000 });
    report('jaeger-stopped-and-killed', {
      ...figures,
      afterRestart: stories.map((s) => ({ outcome: s.outcome, services: s.services, orphans: s.orphans })),
    });
    for (const story of stories) {
      expect(story.outcome).toBe('completed');
      expect(story.services).toEqual(['edge-api', 'jobs']);
      expect(story.orphans).toBe(0);
    }
  });

  it('Spotlight killed while orders fail and report to Sentry: same answers, the apps keep quiet and keep working', async () => {
    const up = await burst(apps(), 1);
    const outputBefore = Object.fromEntries(Object.entries(apps().output()).map(([k, v]) => [k, v.length]));
    await killStackService('spotlight');
    let down: Awaited<ReturnType<typeof burst>>;
    try {
      down = await burst(apps(), 1);
    } finally {
      await startStackService('spotlight');
    }
    const printed = Object.entries(apps().output()).flatMap(([name, text]) =>
      text
        .slice(outputBefore[name] ?? 0)
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.includes('[wrangler:info]'))
        .map((line) => `${name}: ${line}`),
    );
    report('spotlight-down', {
      up: latency(up.placed),
      down: { ...latency(down.placed), ratio: ratio(latency(down.placed), latency(up.placed)) },
      linesPrinted: printed.length,
      firstLines: printed.slice(0, 5),
    });
    expect(statusCounts(down.placed)).toEqual({ 202: 40 });
    expect(new Set(down.outcomes), down.odd('compensated')).toEqual(new Set(['compensated']));
    expect(ratio(latency(down.placed), latency(up.placed)).p95).toBeLessThan(3);
    // Failing quietly: no stack trace, no line per event; at most a warning or two.
    expect(printed.length, printed.join('\n')).toBeLessThanOrEqual(3);
    expect((await fetch(`${apps().urls.jobs}/health`)).status).toBe(200);
  });
});
