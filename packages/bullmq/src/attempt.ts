/**
 * What one attempt is: its queue, counts, where its span starts and its starting attributes, read
 * defensively from a BullMQ `Job` or a sandboxed job (any field may be missing or of the wrong type).
 *
 * @internal
 * @module
 */
import {
  type Attributes,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ATTR_MESSAGING_MESSAGE_ID, ORIGIN_TRACE_ATTRIBUTE } from '@wideline/core/conventions';
import {
  BULLMQ_ATTEMPT,
  BULLMQ_CHILDREN_COUNT,
  BULLMQ_CONTEXT_REJECTED,
  BULLMQ_FINAL_ATTEMPT,
  BULLMQ_MAX_ATTEMPTS,
  BULLMQ_PARENT_ID,
  BULLMQ_QUEUE_WAIT_MS,
  BULLMQ_REPEAT_KEY,
  BULLMQ_STALLED_COUNT,
  BULLMQ_START_REASON,
  LINK_TYPE,
} from './attributes';
import { readStoredContext } from './metadata';
import { type JobOptionsLike, jobAttributes } from './producer';
import { type AttemptStart, planStart, type StartPolicy } from './start-policy';

/** The job fields the processor wrapper reads: a BullMQ `Job` or a sandboxed job both fit. */
export interface TracedJobLike {
  id?: string | undefined;
  name: string;
  queueName?: string;
  queueQualifiedName?: string;
  opts?: unknown;
  timestamp?: number;
  attemptsMade?: number;
  attemptsStarted?: number;
  stalledCounter?: number;
  processedOn?: number | undefined;
  repeatJobKey?: string | undefined;
  parentKey?: string | undefined;
  log?(row: string): unknown;
}

/** One attempt, described. */
export interface Attempt {
  queue: string;
  attemptsMade: number;
  maxAttempts: number;
  /** BullMQ's `attemptsStarted`, counting this one. */
  started: number;
  start: AttemptStart;
  attributes: Attributes;
}

/** Settings that shape an attempt's start. */
export interface AttemptSettings {
  queueName: string | undefined;
  policy: StartPolicy;
  maxParentAgeMs: number;
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function queueNameOf(job: TracedJobLike, fallback: string | undefined): string {
  if (typeof job.queueName === 'string') return job.queueName;
  const qualified = job.queueQualifiedName;
  if (typeof qualified === 'string') return qualified.slice(qualified.indexOf(':') + 1);
  return fallback ?? 'unknown';
}

/** `attemptsStarted`, counting this attempt; above 1 the job is a re-pick. */
export function startedCount(job: TracedJobLike): number {
  return num(job.attemptsStarted, num(job.attemptsMade, 0) + 1);
}

/** Describes the attempt `job` is on; `previous` is the earlier attempt's span, if known. */
export function describeAttempt(
  job: TracedJobLike,
  settings: AttemptSettings,
  previous: SpanContext | undefined,
): Attempt {
  const opts = (typeof job.opts === 'object' && job.opts !== null ? job.opts : {}) as JobOptionsLike & {
    repeat?: unknown;
  };
  const queue = queueNameOf(job, settings.queueName);
  const attemptsMade = num(job.attemptsMade, 0);
  const started = startedCount(job);
  const stalledCount = num(job.stalledCounter, 0);
  const delay = num(opts.delay, 0);
  const stored = readStoredContext(job.opts);
  const now = Date.now();
  const timestamp = num(job.timestamp, now);
  const start = planStart({
    stored,
    previous,
    policy: settings.policy,
    attemptsMade,
    started,
    stalled: stalledCount > 0,
    delayed: delay > 0,
    repeat: typeof job.repeatJobKey === 'string' || opts.repeat !== undefined,
    old: stored.children.length === 0 && now - timestamp > settings.maxParentAgeMs,
  });
  const maxAttempts = Math.max(1, num(opts.attempts, 1));
  const attributes: Attributes = jobAttributes(queue, job.name, opts, 'process', 'process');
  attributes[BULLMQ_ATTEMPT] = attemptsMade + 1;
  attributes[BULLMQ_MAX_ATTEMPTS] = maxAttempts;
  attributes[BULLMQ_START_REASON] = start.reason;
  attributes[BULLMQ_FINAL_ATTEMPT] = attemptsMade + 1 >= maxAttempts;
  if (job.id !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = job.id;
  if (stalledCount > 0) attributes[BULLMQ_STALLED_COUNT] = stalledCount;
  if (stored.rejected) attributes[BULLMQ_CONTEXT_REJECTED] = true;
  // A new trace linked to the one that created the job: say which, so that trace can find this one.
  if (stored.creation && !start.parent) attributes[ORIGIN_TRACE_ATTRIBUTE] = stored.creation.traceId;
  if (typeof job.repeatJobKey === 'string') attributes[BULLMQ_REPEAT_KEY] = job.repeatJobKey;
  if (typeof job.parentKey === 'string') attributes[BULLMQ_PARENT_ID] = job.parentKey;
  if (stored.children.length > 0) attributes[BULLMQ_CHILDREN_COUNT] = stored.children.length;
  if (started <= 1 && typeof job.processedOn === 'number')
    attributes[BULLMQ_QUEUE_WAIT_MS] = Math.max(0, job.processedOn - timestamp - delay);
  return { queue, attemptsMade, maxAttempts, started, start, attributes };
}

// A worker serves one queue: its span name is built once, not per job.
let lastQueue = '';
let lastName = 'process ';

function processSpanName(queue: string): string {
  if (queue !== lastQueue) {
    lastQueue = queue;
    lastName = `process ${queue}`;
  }
  return lastName;
}

/** Starts the attempt's CONSUMER span: under its parent, or as a new root, with its links. */
export function startProcessSpan(tracer: Tracer, attempt: Attempt): Span {
  const { start } = attempt;
  const links: Link[] =
    start.links.length === 0
      ? []
      : start.links.map(([ctx, type]) => ({ context: ctx, attributes: { [LINK_TYPE]: type } }));
  const parent = start.parent ? trace.setSpanContext(ROOT_CONTEXT, start.parent) : ROOT_CONTEXT;
  return tracer.startSpan(
    processSpanName(attempt.queue),
    { kind: SpanKind.CONSUMER, attributes: attempt.attributes, links, root: !start.parent },
    parent,
  );
}
