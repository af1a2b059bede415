/**
 * Where an attempt's span starts. The first attempt of a freshly added job is a child of its
 * creation context: one trace from the request to the job. Everything else — retries, delayed jobs,
 * repeatable and scheduler-made jobs, jobs older than the age limit — would otherwise stretch one
 * trace over minutes or days (a repeatable job's trace would live as long as its scheduler), so by
 * default it starts a new trace that links to the creation context.
 *
 * A stalled job (its worker crashed) is not a new attempt in BullMQ's own accounting, so its re-pick
 * keeps the start the crashed attempt had, and adds a link to that attempt.
 *
 * @internal
 * @module
 */
import type { SpanContext } from '@opentelemetry/api';
import { LINK_TYPES } from '@wideline/core/conventions';
import type { StoredContext } from './metadata';

/** `link`: new trace linked to the creation context; `parent`: child of it; `both`: child and link. */
export type StartPolicy = 'parent' | 'link' | 'both';

/** Why an attempt starts where it does. */
export type StartReason = 'fresh' | 'stalled' | 'retry' | 'delayed' | 'repeat' | 'old' | 'none';

/** Facts about one attempt. */
export interface AttemptFacts {
  stored: StoredContext;
  previous: SpanContext | undefined;
  policy: StartPolicy;
  attemptsMade: number;
  started: number;
  stalled: boolean;
  delayed: boolean;
  repeat: boolean;
  old: boolean;
}

/** The decided start: a parent (or none, for a new root) and typed links. */
export interface AttemptStart {
  reason: StartReason;
  parent: SpanContext | undefined;
  links: Array<[SpanContext, string]>;
}

function reasonOf(facts: AttemptFacts): StartReason {
  if (facts.attemptsMade > 0) return 'retry';
  if (facts.repeat) return 'repeat';
  if (facts.delayed) return 'delayed';
  // Re-picked without a failure and without a stall: it moved itself to delayed or wait.
  if (facts.started > 1 && !facts.stalled) return 'delayed';
  if (facts.old) return 'old';
  return facts.started > 1 ? 'stalled' : 'fresh';
}

/** Decides parent and links for one attempt. */
export function planStart(facts: AttemptFacts): AttemptStart {
  const links: Array<[SpanContext, string]> = [];
  const creation = facts.stored.creation;
  const reason = creation ? reasonOf(facts) : 'none';
  let parent: SpanContext | undefined;
  if (creation) {
    const continues = reason === 'fresh' || reason === 'stalled';
    if (continues || facts.policy !== 'link') parent = creation;
    if (!continues && facts.policy !== 'parent') links.push([creation, LINK_TYPES.creation]);
  }
  if (facts.previous) links.push([facts.previous, LINK_TYPES.previousAttempt]);
  for (const child of facts.stored.children) links.push([child, LINK_TYPES.child]);
  return { reason, parent, links };
}
