/**
 * The ledger of the systems the saga's jobs act on (stock, payments, courier), simulated in Redis:
 * one hash per order, one field per effect (`charge`, `refund`, …) holding the id of the job that
 * applied it. Applying is idempotent by job id — `HSETNX` — the way a payment provider honours an
 * idempotency key: a job that runs twice (re-picked after its worker died, or retried after an
 * answer was lost) charges once. `GET /orders/:id` reads it, so a test can check what a customer
 * would see.
 */
import IORedis from 'ioredis';
import type { RedisConnection } from './config.ts';

/** Effects of one order: effect name → id of the job that applied it. */
export type Effects = Record<string, string>;

export interface Ledger {
  /** Applies `effect` for the order on behalf of `jobId`; false when it was applied already. */
  apply(orderId: string, effect: string, jobId: string): Promise<boolean>;
  read(orderId: string): Promise<Effects>;
  close(): Promise<void>;
}

const KEEP_SECONDS = 86_400;

/**
 * A ledger in the jobs' Redis. Its commands wait for Redis while it is unreachable (no offline-queue
 * limit, no retry limit) and are resent after a reconnect: `HSETNX` is idempotent, so a resend is safe,
 * where a failed command would leave the step not knowing whether it applied its effect.
 */
export function redisLedger(connection: RedisConnection, prefix: string): Ledger {
  const redis = new IORedis({ ...connection, maxRetriesPerRequest: null });
  redis.on('error', () => undefined); // reconnecting; the workers report connection trouble
  const key = (orderId: string) => `${prefix}:ledger:${orderId}`;
  return {
    async apply(orderId, effect, jobId) {
      const [[, applied]] = (await redis
        .multi()
        .hsetnx(key(orderId), effect, jobId)
        .expire(key(orderId), KEEP_SECONDS)
        .exec()) as [[unknown, number]];
      return applied === 1;
    },
    read: (orderId) => redis.hgetall(key(orderId)),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
