/**
 * Breaks the real processes under the demo journey and prints what was lost — orders wrongly
 * compensated, jobs lost, orphaned spans, latency ratios — without asserting anything, so the same
 * run can be made on an older commit for a before/after comparison. The fault suite
 * (test/faults/*.test.ts) asserts the same scenarios.
 *
 *   node apps/journey/scripts/fault-report.ts [redis] [redis-volatile] [jobs-kill] [jaeger] [spotlight] [burst]
 *
 * Needs the stack up (`pnpm stack up`) and the packages built. Jaeger and Spotlight faults act on the
 * stack this checkout started (its pid files in .wideline/stack/): run it alone.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, type RunningJourney, startApps } from '../src/apps.ts';
import { sampleMemory } from '../src/faults/memory.ts';
import { latency, type PlacedOrder, placeOrders, statusCounts } from '../src/faults/orders.ts';
import { type FaultRedis, startFaultRedis } from '../src/faults/redis.ts';
import { lossReport, readStories, type StoryReader, singleTraceReader } from '../src/faults/story.ts';

const jaegerUrl = process.env.WIDELINE_JAEGER_QUERY_URL ?? 'http://localhost:16686';
const reader: StoryReader = singleTraceReader(jaegerUrl);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const print = (title: string, value: unknown) => console.log(`\n## ${title}\n${JSON.stringify(value, null, 2)}`);

/** A native stack service's pid, from its pid file (`<pid>` or `<pid> <start time>`). */
function stackPid(service: string): number {
  return Number(
    readFileSync(join(REPO, '.wideline', 'stack', `${service}.pid`), 'utf8')
      .trim()
      .split(' ')[0],
  );
}
function stackUp(): void {
  execFileSync(process.execPath, [join(REPO, 'stack', 'stack.mjs'), 'up'], { stdio: 'ignore' });
}

async function withApps<T>(
  redis: FaultRedis | undefined,
  run: (apps: RunningJourney) => Promise<T>,
  jobsEnv: Record<string, string> = {},
): Promise<T> {
  const apps = await startApps({ ...(redis ? { stack: { redis: redis.url } } : {}), jobsEnv });
  try {
    return await run(apps);
  } finally {
    await apps.stop();
  }
}

/** Orders queued and in flight; Redis killed, down for 5 s (orders placed meanwhile), started again. */
async function redisScenario(persistent: boolean) {
  const redis = await startFaultRedis({ persistent });
  try {
    return await withApps(redis, async (apps) => {
      const burst = placeOrders(apps.urls.edge, { count: 40, concurrency: 40, failEvery: 4 });
      await sleep(600);
      await redis.kill('SIGKILL');
      await sleep(300);
      const whileDown = await placeOrders(apps.urls.edge, { count: 3, concurrency: 3, timeoutMs: 20_000 });
      await sleep(Math.max(0, 5000 - whileDown.reduce((m, o) => Math.max(m, o.ms), 0)));
      await redis.start();
      const placed = [...(await burst), ...whileDown];
      const stories = await readStories(placed, reader, { timeoutMs: 90_000 });
      return {
        loss: lossReport(stories),
        whileDown: whileDown.map((o) => ({ status: o.status, ms: Math.round(o.ms), error: o.error })),
      };
    });
  } finally {
    await redis.dispose();
  }
}

/** Locks that expire 3 s after a worker dies (BullMQ's default is 30 s); older checkouts ignore these. */
const FAST_STALLS = { JOBS_LOCK_MS: '3000', JOBS_STALLED_INTERVAL_MS: '1000' };

/** The jobs process SIGKILLed while steps run, then started again. */
async function jobsKillScenario() {
  const redis = await startFaultRedis();
  try {
    return await withApps(
      redis,
      async (apps) => {
        const placed = await placeOrders(apps.urls.edge, { count: 20, concurrency: 20, failEvery: 4 });
        await sleep(250);
        await apps.jobs.kill('SIGKILL');
        const killedAt = Date.now();
        await apps.jobs.start();
        const stories = await readStories(placed, reader, { timeoutMs: 150_000 });
        const finished = stories.filter((s) => s.outcome !== undefined).length;
        return { loss: lossReport(stories), finished, secondsToSettle: Math.round((Date.now() - killedAt) / 1000) };
      },
      FAST_STALLS,
    );
  } finally {
    await redis.dispose();
  }
}

/** Latency of a burst with Jaeger up, stopped (SIGSTOP), killed (SIGKILL); then traces after it is back. */
async function jaegerScenario() {
  return withApps(undefined, async (apps) => {
    const burst = () => placeOrders(apps.urls.edge, { count: 100, concurrency: 10 });
    const summary = (orders: PlacedOrder[]) => ({
      ...latency(orders),
      statuses: statusCounts(orders),
    });
    await burst(); // warm-up
    const up = await burst();
    const pid = stackPid('jaeger');
    process.kill(pid, 'SIGSTOP');
    const stopped = await burst();
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGKILL');
    await sleep(200);
    const killed = await burst();
    stackUp();
    await sleep(3000); // exporters' retry/backoff after the outage
    const after = await placeOrders(apps.urls.edge, { count: 5, concurrency: 5 });
    const stories = await readStories(after, reader, { timeoutMs: 30_000 });
    const r = (a: { p50: number; p95: number }) => ({
      p50: +(a.p50 / latency(up).p50).toFixed(2),
      p95: +(a.p95 / latency(up).p95).toFixed(2),
    });
    return {
      up: summary(up),
      stopped: { ...summary(stopped), ratio: r(latency(stopped)) },
      killed: { ...summary(killed), ratio: r(latency(killed)) },
      afterRestart: stories.map((s) => ({ services: s.services, outcome: s.outcome, spans: s.spans })),
    };
  });
}

/** Spotlight killed while failing orders report to Sentry. */
async function spotlightScenario() {
  return withApps(undefined, async (apps) => {
    const before = await placeOrders(apps.urls.edge, { count: 20, concurrency: 5, failEvery: 1 });
    process.kill(stackPid('spotlight'), 'SIGKILL');
    const outputBefore = Object.values(apps.output()).join('').length;
    const down = await placeOrders(apps.urls.edge, { count: 20, concurrency: 5, failEvery: 1 });
    const stories = await readStories(down, reader, { timeoutMs: 60_000 });
    await sleep(2000);
    const newOutput = Object.values(apps.output()).join('').slice(outputBefore);
    const health = await fetch(`${apps.urls.jobs}/health`).then((r) => r.status);
    stackUp();
    return {
      up: latency(before),
      down: { ...latency(down), loss: lossReport(stories) },
      jobsHealth: health,
      newLogLines: newOutput.split('\n').filter(Boolean).slice(0, 20),
    };
  });
}

/** 500 orders; every trace read back; memory of each process sampled. */
async function burstScenario() {
  const redis = await startFaultRedis();
  try {
    return await withApps(redis, async (apps) => {
      const memory = sampleMemory(apps.pids());
      const started = Date.now();
      const placed = await placeOrders(apps.urls.edge, { count: 500, concurrency: 20, failEvery: 5 });
      const stories = await readStories(placed, reader, { timeoutMs: 120_000 });
      const rss = memory.stop();
      const mb = (n: number) => Math.round(n / 1048576);
      return {
        seconds: Math.round((Date.now() - started) / 1000),
        loss: lossReport(stories),
        latency: latency(placed),
        spans: stories.reduce((s, o) => s + o.spans, 0),
        unsettled: stories.filter((s) => s.placed.status === 202 && s.outcome === undefined).length,
        rssMb: Object.fromEntries(
          Object.keys(rss.peak).map((k) => [k, { first: mb(rss.first[k] ?? 0), peak: mb(rss.peak[k] ?? 0) }]),
        ),
      };
    });
  } finally {
    await redis.dispose();
  }
}

const scenarios: Record<string, () => Promise<unknown>> = {
  redis: () => redisScenario(true),
  'redis-volatile': () => redisScenario(false),
  'jobs-kill': jobsKillScenario,
  jaeger: jaegerScenario,
  spotlight: spotlightScenario,
  burst: burstScenario,
};
const chosen = process.argv.slice(2);
for (const name of chosen.length > 0 ? chosen : Object.keys(scenarios)) {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`unknown scenario ${name}: one of ${Object.keys(scenarios).join(', ')}`);
  const started = Date.now();
  const result = await scenario();
  print(`${name} (${Math.round((Date.now() - started) / 1000)} s)`, result);
}
process.exit(0);
