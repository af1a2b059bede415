/**
 * The saga's step jobs: each step and each compensation is a BullMQ job on the queue of the system
 * that does it (stock, payments, shipping), processed by that queue's worker. The work is simulated;
 * its effect goes into the {@link Ledger}, idempotent by job id. An order can ask any of these jobs to
 * fail (`failAt`) on every attempt, which is how the demo shows retries and compensation.
 */
import { wideEvent } from '@wideline/core';
import type { Ledger } from './ledger.ts';

/** An order as the jobs carry it. */
export interface Order {
  orderId: string;
  items: number;
  amountCents: number;
  /** Name of a step or compensation job that should fail, e.g. `charge` or `ship`. */
  failAt?: string | undefined;
}

/** Each job name, the queue that runs it, what it says when it succeeds, and how it fails. */
export const STEP_JOBS = {
  reserve: { queue: 'stock', done: 'stock reserved', failure: 'out of stock' },
  charge: { queue: 'payments', done: 'payment charged', failure: 'card declined' },
  ship: { queue: 'shipping', done: 'shipped', failure: 'courier unavailable' },
  'release-stock': { queue: 'stock', done: 'stock released', failure: 'stock service unavailable' },
  refund: { queue: 'payments', done: 'payment refunded', failure: 'refund rejected' },
} as const;

export type StepJobName = keyof typeof STEP_JOBS;
export const STEP_QUEUES = ['stock', 'payments', 'shipping'] as const;

/** Attempts per step job: a failing step is retried twice (each retry a trace of its own, linked) before the saga compensates. */
export const STEP_ATTEMPTS = 3;

export function isStepJob(name: string): name is StepJobName {
  return Object.hasOwn(STEP_JOBS, name);
}

/** A step that failed on purpose, as a payment or courier API would. */
export class StepFailedError extends Error {
  override name = 'StepFailedError';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The processor of every step queue: does (simulates) the work of `job.name` for the order. */
export function stepProcessor(delayMs: number, ledger: Ledger) {
  return async (job: {
    id?: string | undefined;
    name: string;
    data: Order;
  }): Promise<{ step: string; result: string }> => {
    const order = job.data;
    wideEvent().setAll({ 'order.id': order.orderId, 'order.step': job.name, 'order.items': order.items });
    if (!isStepJob(job.name)) throw new Error(`unknown step job ${job.name}`);
    await sleep(delayMs);
    const step = STEP_JOBS[job.name];
    if (order.failAt === job.name) throw new StepFailedError(`${job.name}: ${step.failure}`);
    const applied = await ledger.apply(order.orderId, job.name, job.id ?? job.name);
    // A job run again (its worker died after applying it) finds its effect there: nothing happens twice.
    wideEvent().set('order.effect_replayed', !applied);
    if (job.name === 'charge' || job.name === 'refund') wideEvent().set('payment.amount_cents', order.amountCents);
    return { step: job.name, result: step.done };
  };
}
