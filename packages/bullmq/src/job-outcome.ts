/**
 * A job's outcome as Redis holds it — its state, then its return value or failure reason — rather
 * than as a `QueueEvents` notification says it. A notification travels over a connection and is lost
 * with it (a Redis restart, a reconnect that skips the stream's entries); the state is what BullMQ
 * itself goes by. Notifications are still used, but only to wake a waiting reader early.
 *
 * @internal
 * @module
 */
import type { Queue, QueueEvents } from 'bullmq';

/** What a read found. `pending` covers waiting, delayed (a retry's backoff), prioritized and active. */
export type JobOutcome =
  | { kind: 'completed'; value: unknown }
  | { kind: 'failed'; reason: string }
  | { kind: 'missing' }
  | { kind: 'pending'; state: string }
  | { kind: 'unreadable'; error: unknown };

/** The part of a BullMQ `Queue` read here (a traced or a plain one). */
export type QueueLike = Pick<Queue, 'name' | 'getJobState' | 'getJob' | 'remove' | 'add'>;

/** Reads `jobId`'s outcome once. Never throws: a Redis error is `unreadable`. */
export async function readOutcome(queue: QueueLike, jobId: string): Promise<JobOutcome> {
  try {
    const state = await queue.getJobState(jobId);
    if (state === 'unknown') return { kind: 'missing' };
    if (state !== 'completed' && state !== 'failed') return { kind: 'pending', state };
    const job = await queue.getJob(jobId);
    // Removed between the two reads (retention): its state was final, its value is gone.
    if (!job) return { kind: 'missing' };
    return state === 'completed'
      ? { kind: 'completed', value: job.returnvalue }
      : { kind: 'failed', reason: job.failedReason || `job ${jobId} failed` };
  } catch (error) {
    return { kind: 'unreadable', error };
  }
}

type Wake = () => void;
/** One pair of listeners per `QueueEvents`, shared by every waiter on it. */
const waiters = new WeakMap<QueueEvents, Map<string, Set<Wake>>>();

function registry(events: QueueEvents): Map<string, Set<Wake>> {
  let byJob = waiters.get(events);
  if (byJob) return byJob;
  const created = new Map<string, Set<Wake>>();
  const wake = ({ jobId }: { jobId: string }) => {
    for (const fn of created.get(jobId) ?? []) fn();
  };
  events.on('completed', wake);
  events.on('failed', wake);
  waiters.set(events, created);
  byJob = created;
  return byJob;
}

/**
 * Resolves after `ms`, or earlier when `events` reports that `jobId` completed or failed. What the
 * job's outcome is, the caller reads afterwards with {@link readOutcome}.
 */
export function nextChance(jobId: string, ms: number, events: QueueEvents | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const byJob = events ? registry(events) : undefined;
    let set: Set<Wake> | undefined;
    const done = () => {
      clearTimeout(timer);
      set?.delete(done);
      if (set?.size === 0) byJob?.delete(jobId);
      resolve();
    };
    const timer = setTimeout(done, Math.max(1, ms));
    if (byJob) {
      set = byJob.get(jobId) ?? new Set();
      set.add(done);
      byJob.set(jobId, set);
    }
  });
}
