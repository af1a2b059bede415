/**
 * The traces one user action continues in. A retried job's later attempts (and delayed or
 * repeatable jobs) start traces of their own — the link policy keeps traces from growing without
 * end — and link back to the trace that created the job (`creation`) and to the attempt before
 * (`previous_attempt`). Following those links backwards needs only the linked ids; forwards, from
 * the request's trace to its job's later attempts, needs a search: those attempts carry
 * `wideline.origin.trace_id`, which Jaeger can search (its span links cannot be).
 *
 * {@link followLinks} reads both directions; {@link jobAttempts} lines every job's attempts up across
 * the traces read, which is what `wideline why` prints as "attempt 3 of 3 failed → trace …".
 *
 * @example
 * const linked = await followLinks(jaeger, graph);
 * for (const job of jobAttempts(graph, linked)) console.log(job.queue, job.attempts.map((a) => a.traceId));
 * @module
 */
import { LINK_TYPE_ATTRIBUTE, LINK_TYPES, ORIGIN_TRACE_ATTRIBUTE } from '@wideline/core/conventions';
import { TraceNotFoundError } from './errors.ts';
import { errorMessages } from './failure.ts';
import { TraceGraph } from './graph.ts';
import type { JaegerClient } from './jaeger-client.ts';
import type { Span } from './span.ts';

/** A trace read because of a link. */
export interface LinkedTrace {
  graph: TraceGraph;
  /**
   * `origin`: a trace the starting one links back to (where its job was created, or an earlier
   * attempt); `continuation`: a trace that continues the story (a later attempt of a job).
   */
  relation: 'origin' | 'continuation';
}

/** Options for {@link followLinks}. */
export interface FollowOptions {
  /** How far after the origin trace's start later attempts are looked for. Default 24 h. */
  windowUs?: number;
  /** At most this many linked traces are read. Default 20. */
  maxTraces?: number;
}

const FOLLOWED_LINKS = new Set<string>([LINK_TYPES.creation, LINK_TYPES.previousAttempt]);
const DAY_US = 86_400e6;

/** What {@link followLinks} reads of a trace, in one walk over its spans. */
interface LinkScan {
  /**
   * Trace ids its spans link to through `creation` / `previous_attempt` links, other than its own. A
   * link without a type is followed too: Jaeger's Badger store (and its legacy API) keep links but
   * drop their attributes.
   */
  back: string[];
  /**
   * Whether a job can have been created in it. A job's creation context is the PRODUCER span that
   * added it (`add` / `create`, @wideline/bullmq's and BullMQ's own), so a trace without one is no
   * later attempt's origin: searching its services for continuations would cost one Jaeger search
   * per service and find nothing. A CONSUMER span whose parent is missing counts too: the producer
   * span that added its job was lost or is not stored yet, and the job's later attempts still name
   * this trace as their origin.
   */
  createsJobs: boolean;
}

function scanLinks(graph: TraceGraph): LinkScan {
  const ids = new Set<string>();
  let createsJobs = false;
  const ordered = graph.ordered;
  for (let i = 0; i < ordered.length; i++) {
    const span = ordered[i]!.span;
    if (span.kind === 'producer') createsJobs = true;
    if (span.links.length === 0) continue;
    for (const link of span.links) {
      const type = link.attributes[LINK_TYPE_ATTRIBUTE];
      const followed = type === undefined || (typeof type === 'string' && FOLLOWED_LINKS.has(type));
      if (link.traceId !== graph.traceId && followed) ids.add(link.traceId);
    }
  }
  if (!createsJobs) createsJobs = graph.orphans.some((node) => node.span.kind === 'consumer' && node.span.parentSpanId);
  return { back: [...ids], createsJobs };
}

/**
 * Reads the traces linked to `graph`: back along its `creation` / `previous_attempt` links to the
 * trace the story began in, then forward from there to every trace whose spans name it as
 * `wideline.origin.trace_id` (searched per service of those traces, when they can have created a job:
 * see {@link LinkScan.createsJobs}).
 * A linked trace Jaeger no longer has is skipped.
 */
export async function followLinks(
  jaeger: Pick<JaegerClient, 'getTrace' | 'findTraceIds'>,
  graph: TraceGraph,
  options: FollowOptions = {},
): Promise<LinkedTrace[]> {
  const max = options.maxTraces ?? 20;
  const read = new Map<string, LinkedTrace>();
  const fetch = async (traceId: string, relation: LinkedTrace['relation']) => {
    if (traceId === graph.traceId || read.has(traceId) || read.size >= max) return undefined;
    try {
      const linked = { graph: TraceGraph.fromSpans((await jaeger.getTrace(traceId)).spans), relation };
      read.set(traceId, linked);
      return linked;
    } catch (error) {
      if (error instanceof TraceNotFoundError) return undefined;
      throw error;
    }
  };
  // Backwards, transitively: a retry links to the attempt before it, which links to the request.
  const origins: TraceGraph[] = [graph];
  const scans = new Map<TraceGraph, LinkScan>();
  for (let i = 0; i < origins.length; i++) {
    const scan = scanLinks(origins[i] as TraceGraph);
    scans.set(origins[i] as TraceGraph, scan);
    for (const id of scan.back) {
      const linked = await fetch(id, 'origin');
      if (linked) origins.push(linked.graph);
    }
  }
  // Forwards from each trace that is not itself a continuation: the request, or the start.
  // The searches, one per service, go out together (a trace of a dozen services would otherwise
  // wait for a dozen round trips one after another); their answers are read in service order.
  for (const origin of origins.filter((o) => {
    const { back, createsJobs } = scans.get(o)!;
    return (back.length === 0 || o === graph) && createsJobs;
  })) {
    const found = await Promise.all(
      origin.services.map((service) =>
        jaeger.findTraceIds({
          service,
          key: ORIGIN_TRACE_ATTRIBUTE,
          value: origin.traceId,
          startMinUs: origin.startUs - 60e6,
          startMaxUs: origin.startUs + (options.windowUs ?? DAY_US),
          limit: max,
        }),
      ),
    );
    for (const ids of found) for (const id of ids) await fetch(id, 'continuation');
  }
  return [...read.values()].sort((a, b) => a.graph.startUs - b.graph.startUs);
}

/** One attempt of a job, wherever it ran. */
export interface JobAttempt {
  traceId: string;
  spanId: string;
  /** `messaging.bullmq.job.attempt` (BullMQ's attemptsMade + 1). */
  attempt: number | undefined;
  maxAttempts: number | undefined;
  /** `messaging.bullmq.job.outcome`: completed, retry, failed, … */
  outcome: string | undefined;
  /** `messaging.bullmq.job.start_reason`: fresh, retry, stalled, … */
  startReason: string | undefined;
  failed: boolean;
  messages: string[];
  startUs: number;
}

/** A job whose attempts ran in more than one trace. */
export interface JobAttempts {
  queue: string;
  jobId: string;
  jobName: string | undefined;
  attempts: JobAttempt[];
}

function text(span: Span, key: string): string | undefined {
  const v = span.attributes[key];
  return v === undefined ? undefined : String(v);
}

function num(span: Span, key: string): number | undefined {
  const v = span.attributes[key];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Every job (by queue and job id) with a `process` span in `graph` whose attempts also ran in the
 * linked traces, its attempts in start order.
 */
export function jobAttempts(graph: TraceGraph, linked: readonly LinkedTrace[]): JobAttempts[] {
  const jobs = new Map<string, JobAttempts>();
  const inStart = new Set<string>();
  for (const g of [graph, ...linked.map((l) => l.graph)]) {
    for (const { span } of g.ordered) {
      // The kind first: most spans are not consumers, and it costs no attribute lookups.
      if (span.kind !== 'consumer') continue;
      const jobId = text(span, 'messaging.message.id');
      const queue = text(span, 'messaging.destination.name');
      if (!jobId || !queue || text(span, 'messaging.system') !== 'bullmq') continue;
      const key = `${queue}\u0000${jobId}`;
      if (g === graph) inStart.add(key);
      const job = jobs.get(key) ?? { queue, jobId, jobName: text(span, 'messaging.bullmq.job.name'), attempts: [] };
      job.attempts.push({
        traceId: span.traceId,
        spanId: span.spanId,
        attempt: num(span, 'messaging.bullmq.job.attempt'),
        maxAttempts: num(span, 'messaging.bullmq.job.max_attempts'),
        outcome: text(span, 'messaging.bullmq.job.outcome'),
        startReason: text(span, 'messaging.bullmq.job.start_reason'),
        failed: span.status.code === 'ERROR',
        messages: errorMessages(span),
        startUs: span.startUs,
      });
      jobs.set(key, job);
    }
  }
  return [...jobs.entries()]
    .filter(([key, job]) => inStart.has(key) && new Set(job.attempts.map((a) => a.traceId)).size > 1)
    .map(([, job]) => ({ ...job, attempts: job.attempts.sort((a, b) => a.startUs - b.startUs) }));
}
