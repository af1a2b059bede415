/** What every fault test file shares: the apps on the shared stack, and a report of the figures. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Span } from '@wideline/query';
import { requireStack } from '@wideline/testkit';
import { afterAll, beforeAll } from 'vitest';
import { REPO, type RunningJourney, startApps } from '../../src/apps.ts';
import { type OrderRecord, outcomeOf, waitForOrders } from '../../src/faults/ledger.ts';
import type { PlacedOrder } from '../../src/faults/orders.ts';
import { EFFECTS, linkedStoryReader, type OrderStory } from '../../src/faults/story.ts';

/**
 * Locks that expire 3 s after a worker dies, so a crash is noticed in seconds (BullMQ's default: 30 s).
 * Only for light load: under a burst on a busy machine, a lock renewal (every 1.5 s) can come late
 * enough for a live job to be taken for stalled.
 */
export const FAST_STALLS = { JOBS_LOCK_MS: '3000', JOBS_STALLED_INTERVAL_MS: '1000' };

/** Starts the apps once per file (stopped after it); `apps()` fails clearly if they did not start. */
export function useApps(jobsEnv: Record<string, string> = {}): () => RunningJourney {
  let running: RunningJourney | undefined;
  beforeAll(async () => {
    await requireStack();
    running = await startApps({ jobsEnv });
  });
  afterAll(async () => {
    await running?.stop();
  });
  return () => {
    if (!running) throw new Error('the apps did not start (see beforeAll)');
    return running;
  };
}

/** Adds `figures` under `scenario` to .wideline/fault-report.json, and prints them. */
export function report(scenario: string, figures: unknown): void {
  const file = join(REPO, '.wideline', 'fault-report.json');
  mkdirSync(join(REPO, '.wideline'), { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // first scenario of the run
  }
  all[scenario] = figures;
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`[fault report] ${scenario}: ${JSON.stringify(figures)}`);
}

/**
 * Waits until the jobs service takes orders again after Redis came back: its connections reconnect
 * with a backoff of up to 2 s, and until then it answers 503 (by design).
 */
export async function queueBack(apps: RunningJourney): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${apps.urls.jobs}/orders/probe`).catch(() => undefined);
    await response?.body?.cancel();
    if (response?.status === 404) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the jobs service did not take orders again within 20 s of Redis coming back');
}

/** The jobs service's records of the accepted orders, once each has finished. */
export async function records(apps: RunningJourney, placed: readonly PlacedOrder[]) {
  const ids = placed.flatMap((p) => (p.orderId ? [p.orderId] : []));
  return waitForOrders(apps.urls.jobs, ids, 90_000);
}

/**
 * What the ledger must hold for an order with this outcome: completed — reserved, charged, shipped;
 * compensated after `ship` failed — reserved and released, charged and refunded, not shipped.
 */
export function expectedEffects(outcome: string | undefined): string[] {
  if (outcome === 'completed') return ['charge', 'reserve', 'ship'];
  if (outcome === 'compensated') return ['charge', 'refund', 'release-stock', 'reserve'];
  return [];
}

/** The effects a story's traces show, as the ledger lists them (each applied effect once). */
export function tracedEffects(story: OrderStory): string[] {
  return EFFECTS.filter((e) => story.effects[e] > 0).sort();
}

/** An order's verdict from both sides: its record's outcome and effects, and its traces'. */
export function customerView(record: OrderRecord | undefined) {
  return { outcome: outcomeOf(record), effects: Object.keys(record?.effects ?? {}).sort() };
}

/** The spans of a trace (and its linked traces) once every one of `services` has some there. */
export async function spansOnceThere(jaegerQueryUrl: string, traceId: string, services: string[]): Promise<Span[]> {
  const read = linkedStoryReader(jaegerQueryUrl);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const spans = (await read(traceId)).flat();
    if (services.every((s) => spans.some((span) => span.service === s))) return spans;
    if (Date.now() > deadline) throw new Error(`trace ${traceId}: no spans of ${services.join(', ')} after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
