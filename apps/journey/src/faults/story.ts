/**
 * Reads each order's story back from Jaeger and judges it the way a customer would: was the order
 * completed or compensated, what was charged and refunded, was anything lost — and whether its trace
 * is whole (no span whose parent is missing, every saga step's job in it).
 */
import { followLinks, JaegerClient, type Span, TraceGraph, TraceNotFoundError } from '@wideline/query';
import { type PlacedOrder, statusCounts } from './orders.ts';

/** The step and compensation jobs of the demo saga (apps/jobs/src/steps.ts). */
export const EFFECTS = ['reserve', 'charge', 'ship', 'release-stock', 'refund'] as const;
export type Effect = (typeof EFFECTS)[number];

/** One order, as read back. */
export interface OrderStory {
  placed: PlacedOrder;
  /** The saga's outcome on its last attempt (`wideline.saga.outcome`), if any attempt ended. */
  outcome: string | undefined;
  /** Step and compensation jobs that completed and took effect (a replay that found the effect already applied is not counted). */
  effects: Record<Effect, number>;
  /** Spans read, over every trace of the story. */
  spans: number;
  /** Traces of the story (the request's, plus the linked ones a reader followed). */
  traces: number;
  /** Spans whose parent is not in their trace. */
  orphans: number;
  /** `OrderStatus.push` spans: status updates that reached the order's Durable Object. */
  pushes: number;
  /** The states those updates carried (`order.state`), e.g. `done`, `compensated`. */
  pushedStates: string[];
  /** Services seen. */
  services: string[];
  /**
   * The saga's step and undo spans as its last run left them (`saga.step charge` → ok, replayed):
   * a replay reads a step that ran before a crash from its job, and says so.
   */
  sagaSpans: Record<string, { ok: boolean; replayed: boolean }>;
  /** Attempts re-picked after their worker died (`start_reason = stalled`), and the attempt they link to. */
  stalledRepicks: Array<{ name: string; previousAttempt: string | undefined; previousAttemptInTrace: boolean }>;
}

/** Reads every span of an order's story, given its request's trace id; `[]` when Jaeger has nothing. */
export type StoryReader = (traceId: string) => Promise<Span[][]>;

/** Reads the request's trace only. */
export function singleTraceReader(jaegerQueryUrl: string): StoryReader {
  const client = new JaegerClient({ url: jaegerQueryUrl });
  return async (traceId) => {
    try {
      return [(await client.getTrace(traceId)).spans];
    } catch (error) {
      if (error instanceof TraceNotFoundError) return [];
      throw error;
    }
  };
}

/**
 * Reads the request's trace and every trace linked to it — a job's retries run in traces of their
 * own — the way `wideline trace` does.
 */
export function linkedStoryReader(jaegerQueryUrl: string): StoryReader {
  const client = new JaegerClient({ url: jaegerQueryUrl });
  return async (traceId) => {
    try {
      const graph = TraceGraph.fromSpans((await client.getTrace(traceId)).spans);
      const linked = await followLinks(client, graph);
      return [
        [...graph.nodes.values()].map((n) => n.span),
        ...linked.map((l) => [...l.graph.nodes.values()].map((n) => n.span)),
      ];
    } catch (error) {
      if (error instanceof TraceNotFoundError) return [];
      throw error;
    }
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The story of one order from the spans of its traces. */
export function storyOf(placed: PlacedOrder, traces: Span[][]): OrderStory {
  const effects = Object.fromEntries(EFFECTS.map((e) => [e, 0])) as Record<Effect, number>;
  let outcome: { at: number; value: string } | undefined;
  let spans = 0;
  let orphans = 0;
  let pushes = 0;
  const pushedStates = new Set<string>();
  const services = new Set<string>();
  const stalledRepicks: OrderStory['stalledRepicks'] = [];
  const sagaSpans: Record<string, { ok: boolean; replayed: boolean; endUs: number }> = {};
  const seen = new Set(traces.flat().map((s) => s.spanId));
  for (const list of traces) {
    if (list.length === 0) continue;
    const graph = TraceGraph.fromSpans(list);
    spans += graph.size;
    orphans += graph.orphans.length;
    for (const { span } of graph.ordered) {
      services.add(span.service);
      if (span.name === 'OrderStatus.push') {
        pushes += 1;
        const state = str(span.attributes['order.state']);
        if (state) pushedStates.add(state);
      }
      const sagaOutcome = str(span.attributes['wideline.saga.outcome']);
      if (span.name === 'process orders' && sagaOutcome && (!outcome || span.endUs > outcome.at))
        outcome = { at: span.endUs, value: sagaOutcome };
      if (/^saga\.(step|compensate) /.test(span.name) && !(span.endUs < (sagaSpans[span.name]?.endUs ?? 0)))
        sagaSpans[span.name] = {
          ok: span.status.code !== 'ERROR',
          replayed: span.attributes['wideline.saga.replayed'] === true,
          endUs: span.endUs,
        };
      if (span.attributes['messaging.bullmq.job.start_reason'] === 'stalled') {
        const previous = span.links.find((l) => l.attributes['wideline.link.type'] === 'previous_attempt')?.spanId;
        stalledRepicks.push({
          name: span.name,
          previousAttempt: previous,
          previousAttemptInTrace: previous !== undefined && seen.has(previous),
        });
      }
      const job = str(span.attributes['messaging.bullmq.job.name']);
      if (
        span.kind === 'consumer' &&
        job &&
        (EFFECTS as readonly string[]).includes(job) &&
        span.attributes['messaging.bullmq.job.outcome'] === 'completed' &&
        span.attributes['order.effect_replayed'] !== true
      )
        effects[job as Effect] += 1;
    }
  }
  return {
    placed,
    outcome: outcome?.value,
    effects,
    spans,
    traces: traces.filter((t) => t.length > 0).length,
    orphans,
    pushes,
    pushedStates: [...pushedStates].sort(),
    services: [...services].sort(),
    stalledRepicks,
    sagaSpans: Object.fromEntries(
      Object.entries(sagaSpans).map(([name, { ok, replayed }]) => [name, { ok, replayed }]),
    ),
  };
}

/** What went wrong with one order, from the customer's side and from the reader's. */
export interface Verdict {
  /** Accepted (202) but its saga never reached a final outcome. */
  lost: boolean;
  /** Not completed, yet a charge stands (charged more often than refunded). */
  chargedAndCancelled: boolean;
  /** Charged more than once without a refund for each extra charge. */
  chargedTwice: boolean;
  /** Not completed, yet stock stays reserved. */
  stockLeaked: boolean;
  /** Shipped, yet not completed. */
  shippedButCancelled: boolean;
  /** Compensated although it did not ask to fail. */
  wronglyCompensated: boolean;
}

/** Judges a story. */
export function judge(story: OrderStory): Verdict {
  const e = story.effects;
  const accepted = story.placed.status === 202;
  const finished = story.outcome !== undefined && FINAL_OUTCOMES.includes(story.outcome);
  const completed = story.outcome === 'completed';
  return {
    lost: accepted && !finished,
    chargedAndCancelled: finished && !completed && e.charge > e.refund,
    chargedTwice: e.charge - e.refund > 1,
    stockLeaked: finished && !completed && e.reserve > e['release-stock'],
    shippedButCancelled: finished && !completed && e.ship > 0,
    wronglyCompensated: finished && !completed && story.placed.failAt === undefined,
  };
}

/** Saga outcomes after which nothing more happens to the order. */
export const FINAL_OUTCOMES: readonly string[] = ['completed', 'compensated', 'compensation_failed'];

/**
 * True once the saga reached a final outcome and the page was told (the outcome's status update
 * reached the order's Durable Object: the last span of an order's story).
 */
export function settled(story: OrderStory): boolean {
  return (
    story.outcome !== undefined && FINAL_OUTCOMES.includes(story.outcome) && story.pushedStates.includes(story.outcome)
  );
}

/**
 * Reads the stories of every accepted order, polling until each has settled (see {@link settled}) or
 * `timeoutMs` passes; then returns what it has.
 */
export async function readStories(
  placed: readonly PlacedOrder[],
  read: StoryReader,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<OrderStory[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const stories = new Map<PlacedOrder, OrderStory>();
  let pending = placed.filter((p) => p.traceId !== undefined);
  for (const p of placed) if (p.traceId === undefined) stories.set(p, storyOf(p, []));
  while (pending.length > 0) {
    const next: PlacedOrder[] = [];
    for (let i = 0; i < pending.length; i += 16) {
      const slice = pending.slice(i, i + 16);
      const read16 = await Promise.all(slice.map(async (p) => storyOf(p, await read(p.traceId as string))));
      for (const story of read16) {
        stories.set(story.placed, story);
        if (story.placed.status === 202 && !settled(story)) next.push(story.placed);
      }
    }
    pending = next;
    if (pending.length === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1500));
  }
  return placed.map((p) => stories.get(p) as OrderStory);
}

/** Counts of each kind of loss over a run. */
export interface LossReport {
  placed: number;
  accepted: number;
  /** Answers by status (0 = no answer). */
  statuses: Record<string, number>;
  completed: number;
  compensated: number;
  lost: number;
  chargedAndCancelled: number;
  chargedTwice: number;
  stockLeaked: number;
  shippedButCancelled: number;
  wronglyCompensated: number;
  /** Orphaned spans over all traces, and traces with at least one. */
  orphanSpans: number;
  tracesWithOrphans: number;
}

/** Sums the verdicts of a run. */
export function lossReport(stories: readonly OrderStory[]): LossReport {
  const report: LossReport = {
    placed: stories.length,
    accepted: 0,
    statuses: {},
    completed: 0,
    compensated: 0,
    lost: 0,
    chargedAndCancelled: 0,
    chargedTwice: 0,
    stockLeaked: 0,
    shippedButCancelled: 0,
    wronglyCompensated: 0,
    orphanSpans: 0,
    tracesWithOrphans: 0,
  };
  report.statuses = statusCounts(stories.map((s) => s.placed));
  for (const story of stories) {
    if (story.placed.status === 202) report.accepted += 1;
    if (story.outcome === 'completed') report.completed += 1;
    if (story.outcome === 'compensated') report.compensated += 1;
    const verdict = judge(story);
    for (const key of Object.keys(verdict) as Array<keyof Verdict>) if (verdict[key]) report[key] += 1;
    report.orphanSpans += story.orphans;
    if (story.orphans > 0) report.tracesWithOrphans += 1;
  }
  return report;
}
