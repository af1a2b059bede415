/**
 * The order saga, run by the `orders` queue's worker: reserve stock → charge → ship. Each step is a
 * child job on its own queue (see `steps.ts`) that the saga waits for; when one fails, the steps
 * already done are undone in reverse (refund, then release stock), each undo a child job too.
 * `runSaga` from `@wideline/bullmq` records the step and compensation spans (with `wideline.saga.*`
 * and links from each compensation to the step it undoes and to the step that failed).
 */

import { runSaga, type SagaResult } from '@wideline/bullmq';
import { wideEvent } from '@wideline/core';
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { StatusPusher } from './status.ts';
import { type Order, STEP_JOBS, type StepJobName } from './steps.ts';

/** Thrown by the order job when its saga did not complete, so that BullMQ (and Sentry) see the failure. */
export class OrderFailedError extends Error {
  override name = 'OrderFailedError';
}

export interface SagaDeps {
  /** The step queues by name (`stock`, `payments`, `shipping`), traced. */
  queues: Record<string, Queue>;
  /** A `QueueEvents` per step queue, to wait for a step job's result. */
  events: Record<string, QueueEvents>;
  status: StatusPusher;
  /** How long a step may take before the saga gives up on it. */
  stepTimeoutMs: number;
}

/** Adds the step job and waits for it; rejects with the job's failure reason. */
async function runStepJob(deps: SagaDeps, name: StepJobName, order: Order): Promise<unknown> {
  const { queue } = STEP_JOBS[name];
  const job: Job = await (deps.queues[queue] as Queue).add(name, order, {
    attempts: 1,
    removeOnComplete: 1000,
    removeOnFail: 1000,
  });
  try {
    return await job.waitUntilFinished(deps.events[queue] as QueueEvents, deps.stepTimeoutMs);
  } catch (error) {
    // waitUntilFinished rejects with a plain Error carrying the job's failedReason.
    throw new Error((error as Error).message || `${name} failed`);
  }
}

function step(deps: SagaDeps, name: StepJobName, undo?: StepJobName) {
  const push = (order: Order, job: StepJobName, state: string, message: string) =>
    deps.status.push(order.orderId, { step: job, state, message, final: false });
  return {
    name,
    run: async (order: Order) => {
      try {
        await runStepJob(deps, name, order);
      } catch (error) {
        await push(order, name, 'failed', (error as Error).message);
        throw error;
      }
      await push(order, name, 'done', STEP_JOBS[name].done);
    },
    ...(undo
      ? {
          compensate: async (order: Order) => {
            await runStepJob(deps, undo, order);
            await push(order, undo, 'undone', STEP_JOBS[undo].done);
          },
        }
      : {}),
  };
}

/** The `orders` queue's processor: runs the saga for one order. */
export function orderProcessor(deps: SagaDeps) {
  const steps = [step(deps, 'reserve', 'release-stock'), step(deps, 'charge', 'refund'), step(deps, 'ship')];
  return async (job: { data: Order }): Promise<{ orderId: string; outcome: SagaResult['outcome'] }> => {
    const order = job.data;
    wideEvent().setAll({
      'order.id': order.orderId,
      'order.items': order.items,
      'order.amount_cents': order.amountCents,
      'order.fail_at': order.failAt ?? '',
    });
    const result = await runSaga({ name: 'order', id: order.orderId, context: order, steps });
    const failed = result.outcome !== 'completed';
    const reason = failed ? (result.error as Error | undefined)?.message : undefined;
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
