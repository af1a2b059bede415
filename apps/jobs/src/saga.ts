/**
 * The order saga, run by the `orders` queue's worker: reserve stock → charge → ship. Each step is a
 * child job on its own queue (see `steps.ts`), made by `jobStep` from `@wideline/bullmq`: its
 * outcome is the job's state in Redis, never a notification that a Redis restart can lose, and its
 * job id is the order's and the step's, so an order job that runs again (retried, or re-picked after
 * its worker died) replays the saga — steps already done are read, not done again. When a step
 * fails, the steps done are undone in reverse (refund, then release stock), each undo a job too.
 *
 * A step whose outcome is unknown (Redis unreachable, a job still running after the step timeout)
 * interrupts the saga: nothing is compensated, the order job fails with a retryable error, and its
 * next attempt finds out.
 */

import { jobStep, runSaga, type SagaOutcome, type SagaStep, type SagaStepRun } from '@wideline/bullmq';
import { wideEvent } from '@wideline/core';
import { type Queue, type QueueEvents, UnrecoverableError } from 'bullmq';
import type { StatusPusher } from './status.ts';
import { type Order, STEP_ATTEMPTS, STEP_JOBS, type StepJobName } from './steps.ts';

/** The order ended compensated or with a failed undo: final, BullMQ does not retry it. */
export class OrderFailedError extends UnrecoverableError {
  override name = 'OrderFailedError';
}

/** A step's outcome is not known yet: the order job is retried, and its saga replayed. */
export class OrderInterruptedError extends Error {
  override name = 'OrderInterruptedError';
}

export interface SagaDeps {
  /** The step queues by name (`stock`, `payments`, `shipping`), traced. */
  queues: Record<string, Queue>;
  /** A `QueueEvents` per step queue: wakes the saga as soon as a step's job ends. */
  events: Record<string, QueueEvents>;
  status: StatusPusher;
  /** How long a step's job may take before the saga is interrupted. */
  stepTimeoutMs: number;
}

/** A step job with its undo; status pushed to the page once its outcome is known. */
function step(deps: SagaDeps, name: StepJobName, undo?: StepJobName): SagaStep<Order> {
  const queue = STEP_JOBS[name].queue;
  const base = jobStep<Order>({
    name,
    queue: deps.queues[queue] as Queue,
    events: deps.events[queue] as QueueEvents,
    jobOptions: { attempts: STEP_ATTEMPTS, backoff: { type: 'fixed', delay: 200 } },
    timeoutMs: deps.stepTimeoutMs,
    ...(undo
      ? {
          compensate: {
            queue: deps.queues[STEP_JOBS[undo].queue] as Queue,
            events: deps.events[STEP_JOBS[undo].queue] as QueueEvents,
            job: undo,
            jobOptions: { attempts: STEP_ATTEMPTS, backoff: { type: 'fixed', delay: 200 } },
          },
        }
      : {}),
  });
  const push = (order: Order, job: StepJobName, state: string, message: string) =>
    deps.status.push(order.orderId, { step: job, state, message, final: false });
  return {
    name,
    run: async (order, run) => {
      try {
        await base.run(order, run);
      } catch (error) {
        if ((error as Error).name !== 'StepOutcomeUnknownError')
          await push(order, name, 'failed', (error as Error).message);
        throw error;
      }
      await push(order, name, 'done', STEP_JOBS[name].done);
    },
    ...(undo && base.compensate
      ? {
          compensate: async (order: Order, failure: unknown, run: SagaStepRun) => {
            await base.compensate?.(order, failure, run);
            await push(order, undo, 'undone', STEP_JOBS[undo].done);
          },
        }
      : {}),
  };
}

/** The order job's attempts as BullMQ counts them. */
interface OrderJob {
  data: Order;
  attemptsMade?: number;
  opts?: { attempts?: number };
}

/** The `orders` queue's processor: runs (or replays) the saga for one order. */
export function orderProcessor(deps: SagaDeps) {
  const steps = [step(deps, 'reserve', 'release-stock'), step(deps, 'charge', 'refund'), step(deps, 'ship')];
  return async (job: OrderJob): Promise<{ orderId: string; outcome: SagaOutcome }> => {
    const order = job.data;
    wideEvent().setAll({
      'order.id': order.orderId,
      'order.items': order.items,
      'order.amount_cents': order.amountCents,
      'order.fail_at': order.failAt ?? '',
    });
    const result = await runSaga({ name: 'order', id: order.orderId, context: order, steps });
    const reason = (result.error as Error | undefined)?.message;
    if (result.outcome === 'interrupted') {
      const last = (job.attemptsMade ?? 0) + 1 >= (job.opts?.attempts ?? 1);
      await deps.status.push(order.orderId, {
        step: result.pendingStep ?? 'order',
        state: 'interrupted',
        message: last ? `interrupted: ${reason}` : `${result.pendingStep}: outcome unknown, will retry`,
        final: last,
      });
      throw new OrderInterruptedError(`order ${order.orderId} interrupted at ${result.pendingStep} (${reason})`);
    }
    const failed = result.outcome !== 'completed';
    await deps.status.push(order.orderId, {
      step: 'order',
      state: result.outcome,
      message: failed ? `${result.outcome}: ${reason}` : 'order completed',
      final: true,
    });
    if (failed)
      throw new OrderFailedError(
        `order ${order.orderId} ${result.outcome} after ${result.failedStep} failed (${reason})`,
      );
    return { orderId: order.orderId, outcome: result.outcome };
  };
}
