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
import { readStoredContext, type StoredContext } from './metadata';
import { type JobOptionsLike, messagingAttributes, setJobAttributes } from './producer';
import { withSpan } from './span-context';
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
  /** The job's options, as an object (`{}` when missing or not an object). */
  opts: JobOptionsLike;
  stalledCount: number;
  stored: StoredContext;
  /** Ms since the epoch when the job was added (now, when the job does not say). */
  timestamp: number;
  delay: number;
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
  return { queue, attemptsMade, maxAttempts, started, start, opts, stalledCount, stored, timestamp, delay };
}

/** Sets the attempt's own attributes on its recording span (what a sampler does not need to see). */
export function setAttemptAttributes(span: Span, job: TracedJobLike, attempt: Attempt): void {
  const { start, stored, attemptsMade, maxAttempts, stalledCount } = attempt;
  setJobAttributes(span, job.name, attempt.opts);
  span.setAttribute(BULLMQ_ATTEMPT, attemptsMade + 1);
  span.setAttribute(BULLMQ_MAX_ATTEMPTS, maxAttempts);
  span.setAttribute(BULLMQ_START_REASON, start.reason);
  span.setAttribute(BULLMQ_FINAL_ATTEMPT, attemptsMade + 1 >= maxAttempts);
  if (job.id !== undefined) span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, job.id);
  if (stalledCount > 0) span.setAttribute(BULLMQ_STALLED_COUNT, stalledCount);
  if (stored.rejected) span.setAttribute(BULLMQ_CONTEXT_REJECTED, true);
  // A new trace linked to the one that created the job: say which, so that trace can find this one.
  if (stored.creation && !start.parent) span.setAttribute(ORIGIN_TRACE_ATTRIBUTE, stored.creation.traceId);
  if (typeof job.repeatJobKey === 'string') span.setAttribute(BULLMQ_REPEAT_KEY, job.repeatJobKey);
  if (typeof job.parentKey === 'string') span.setAttribute(BULLMQ_PARENT_ID, job.parentKey);
  if (stored.children.length > 0) span.setAttribute(BULLMQ_CHILDREN_COUNT, stored.children.length);
  if (attempt.started <= 1 && typeof job.processedOn === 'number')
    span.setAttribute(BULLMQ_QUEUE_WAIT_MS, Math.max(0, job.processedOn - attempt.timestamp - attempt.delay));
}

/** Shared by every attempt without links (the SDK copies links, never changes the array). */
const NO_LINKS: Link[] = [];

// A worker serves one queue: its span name and creation attributes are built once, not per job.
let lastQueue = '';
let lastName = 'process ';
let lastAttributes: Attributes = {};

function processSpanName(queue: string): string {
  if (queue !== lastQueue) {
    lastQueue = queue;
    lastName = `process ${queue}`;
    lastAttributes = messagingAttributes(queue, 'process', 'process');
  }
  return lastName;
}

/**
 * Starts the attempt's CONSUMER span: under its parent, or as a new root, with its links; the
 * attempt's own attributes are set once the span is known to record.
 */
export function startProcessSpan(tracer: Tracer, attempt: Attempt, job: TracedJobLike): Span {
  const { start } = attempt;
  const links: Link[] =
    start.links.length === 0
      ? NO_LINKS
      : start.links.map(([ctx, type]) => ({ context: ctx, attributes: { [LINK_TYPE]: type } }));
  const parent = start.parent ? withSpan(ROOT_CONTEXT, trace.wrapSpanContext(start.parent)) : ROOT_CONTEXT;
  const name = processSpanName(attempt.queue);
  const span = tracer.startSpan(
    name,
    { kind: SpanKind.CONSUMER, attributes: lastAttributes, links, root: !start.parent },
    parent,
  );
  if (span.isRecording()) setAttemptAttributes(span, job, attempt);
  return span;
}
