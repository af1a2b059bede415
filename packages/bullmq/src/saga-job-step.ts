/**
 * `jobStep`: a saga step whose work is a BullMQ job (and whose undo is another), for
 * {@link runSaga}. The step's outcome is the job's state in Redis — completed with its return value,
 * or failed with its reason — read until it is final; a `QueueEvents` notification only wakes the
 * reader early, so one that is lost (a Redis restart, a reconnect) costs a poll interval, never a
 * wrong outcome.
 *
 * Each job's id is made of the saga's name, its id, the step and the role (`order/8f3a/charge`,
 * `order/8f3a/charge/undo`), so a saga that runs again — its job retried, or re-picked after its
 * worker died — finds the jobs of the steps it already ran and reads their outcome instead of adding
 * them again. A job that is missing is added (again): steps run at least once, so make each step's
 * work idempotent by its job id (pass `job.id` to the payment provider as its idempotency key).
 * Finished step jobs are kept for `keepSeconds` so that a replay within that time finds them.
 *
 * When the job has not reached a final state within `timeoutMs` (no worker took it, the worker
 * hangs, Redis stayed unreachable), the step throws {@link StepOutcomeUnknownError}: the saga is
 * `interrupted` and compensates nothing, because the work may still happen.
 *
 * @example
 * import { jobStep, Queue, runSaga } from '@wideline/bullmq';
 * import { QueueEvents } from 'bullmq';
 *
 * const payments = new Queue('payments', { connection });
 * const events = new QueueEvents('payments', { connection });
 * const charge = jobStep<Order>({ name: 'charge', queue: payments, events, compensate: { job: 'refund' } });
 * const result = await runSaga({ name: 'order', id: order.id, context: order, steps: [charge] });
 * @module
 */
import { trace } from '@opentelemetry/api';
import { SAGA } from '@wideline/core/conventions';
import type { JobsOptions, QueueEvents } from 'bullmq';
import { type JobOutcome, nextChance, type QueueLike, readOutcome } from './job-outcome';
import { type SagaStep, type SagaStepRun, StepOutcomeUnknownError } from './saga';

/** Where a step's (or an undo's) job goes and what it carries. */
export interface JobStepTarget<C> {
  /** The queue whose worker does the work (a traced `Queue`, so the job joins the saga's trace). */
  queue: QueueLike;
  /** Job name. Default: the step's name. */
  job?: string;
  /** The job's data. Default: the saga's context. */
  data?: (context: C) => unknown;
  /** Notifications of the queue's finished jobs; they wake the wait early. Optional. */
  events?: QueueEvents;
  /** More BullMQ job options (`attempts`, `backoff`, `priority`, …). `jobId` and `removeOn*` are the saga's. */
  jobOptions?: Omit<JobsOptions, 'jobId' | 'removeOnComplete' | 'removeOnFail'>;
}

/** Options of {@link jobStep}. */
export interface JobStepOptions<C> extends Partial<JobStepTarget<C>> {
  /** Step name, low cardinality (e.g. `charge`). */
  name: string;
  /** The step's queue. */
  queue: QueueLike;
  /** The undo, as a job; its queue defaults to the step's. Runs only if this step completed. */
  compensate?: Partial<JobStepTarget<C>> & { job: string };
  /** How long to wait for a job's final state before the outcome counts as unknown. Default 30 000 ms. */
  timeoutMs?: number;
  /** How often the state is read when no notification came. Default 500 ms. */
  pollMs?: number;
  /** How long finished step jobs are kept, so that a replay finds them. Default 86 400 s (a day). */
  keepSeconds?: number;
}

/** The job of a saga step failed (its last attempt): the step failed, and its undo will not run. */
export class StepJobFailedError extends Error {
  override name = 'StepJobFailedError';
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_POLL_MS = 500;
const DEFAULT_KEEP_SECONDS = 86_400;

/** `order/8f3a/charge`, `…/undo`: BullMQ job ids may not contain `:`, so each part is URI-encoded. */
export function sagaJobId(run: SagaStepRun): string {
  const parts = [run.saga, run.id, run.step].map(encodeURIComponent);
  return `${parts.join('/')}${run.role === 'compensation' ? '/undo' : ''}`;
}

interface Settings {
  timeoutMs: number;
  pollMs: number;
  keepSeconds: number;
}

function describe(outcome: JobOutcome): string {
  if (outcome.kind === 'pending') return `still ${outcome.state}`;
  if (outcome.kind === 'missing') return 'not in Redis';
  if (outcome.kind === 'unreadable')
    return `its state could not be read: ${(outcome.error as Error)?.message ?? outcome.error}`;
  return outcome.kind;
}

/** Adds the job unless it exists, then waits until its state is final; see the module doc. */
async function runJob<C>(
  target: JobStepTarget<C> & { job: string },
  context: C,
  jobId: string,
  settings: Settings,
): Promise<unknown> {
  const span = trace.getActiveSpan();
  span?.setAttribute(SAGA.jobId, jobId);
  const deadline = Date.now() + settings.timeoutMs;
  let first = true;
  let last: JobOutcome = { kind: 'missing' };
  for (;;) {
    last = await readOutcome(target.queue, jobId);
    if (first && last.kind !== 'unreadable') {
      span?.setAttribute(SAGA.replayed, last.kind !== 'missing');
      first = false;
    }
    if (last.kind === 'completed') return last.value;
    if (last.kind === 'failed') throw new StepJobFailedError(last.reason);
    if (last.kind === 'missing') {
      const keep = { age: settings.keepSeconds };
      const data = target.data ? target.data(context) : context;
      // A duplicate id is a no-op in BullMQ: two replays racing add the job once.
      await target.queue
        .add(target.job, data, { ...target.jobOptions, jobId, removeOnComplete: keep, removeOnFail: keep })
        .catch((error: unknown) => {
          last = { kind: 'unreadable', error };
        });
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await nextChance(jobId, Math.min(settings.pollMs, left), target.events);
  }
  throw new StepOutcomeUnknownError(
    `${target.job}: the outcome of job ${jobId} is unknown after ${settings.timeoutMs} ms (${describe(last)}); nothing was guessed — run the saga again to find out`,
  );
}

/**
 * A saga step run as a BullMQ job, with an optional undo run as another; see the module doc for
 * what it guarantees.
 */
export function jobStep<C>(options: JobStepOptions<C>): SagaStep<C> {
  const settings: Settings = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    pollMs: options.pollMs ?? DEFAULT_POLL_MS,
    keepSeconds: options.keepSeconds ?? DEFAULT_KEEP_SECONDS,
  };
  const target = {
    queue: options.queue,
    job: options.job ?? options.name,
    ...(options.data ? { data: options.data } : {}),
    ...(options.events ? { events: options.events } : {}),
    ...(options.jobOptions ? { jobOptions: options.jobOptions } : {}),
  };
  const undo = options.compensate;
  return {
    name: options.name,
    run: (context, run) => runJob(target, context, sagaJobId(run), settings),
    ...(undo
      ? {
          compensate: (context: C, _failure: unknown, run: SagaStepRun) =>
            runJob(
              {
                queue: undo.queue ?? options.queue,
                job: undo.job,
                ...(undo.data ? { data: undo.data } : {}),
                // The step's notifications only help when the undo goes to the same queue.
                ...(undo.events
                  ? { events: undo.events }
                  : !undo.queue && options.events
                    ? { events: options.events }
                    : {}),
                ...(undo.jobOptions ? { jobOptions: undo.jobOptions } : {}),
              },
              context,
              sagaJobId(run),
              settings,
            ),
        }
      : {}),
  };
}
