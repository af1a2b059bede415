/**
 * The jobs service's configuration: environment variables only, each with a default that works
 * against the local stack (`pnpm stack up`). OpenTelemetry's own `OTEL_*` variables are read by
 * `@wideline/core` (endpoint, headers, sampling, service name).
 */
export interface JobsConfig {
  /** `JOBS_PORT`, default 4000. */
  port: number;
  /** `JOBS_HOST`, default `127.0.0.1`. */
  host: string;
  /** `REDIS_URL`, default `redis://localhost:6379`. */
  redisUrl: string;
  /** `JOBS_QUEUE_PREFIX`: BullMQ key prefix, so several copies can share one Redis. Default `wideline-demo`. */
  queuePrefix: string;
  /** `EDGE_API_URL`: where order status is pushed. Default `http://localhost:8787`. */
  edgeApiUrl: string;
  /** `JOBS_FAIL_AT`: a step that fails for every order that does not say otherwise. Default none. */
  failAt: string | undefined;
  /** `JOBS_STEP_DELAY_MS`: simulated work per step. Default 120. */
  stepDelayMs: number;
  /**
   * `JOBS_LOCK_MS`: how long a worker's lock on a job lasts without renewal (BullMQ's
   * `lockDuration`): after a worker dies, its jobs are re-picked as stalled within about this long
   * plus `JOBS_STALLED_INTERVAL_MS`. Default 30 000 (BullMQ's).
   */
  lockMs: number;
  /** `JOBS_STALLED_INTERVAL_MS`: how often workers look for stalled jobs. Default 30 000 (BullMQ's). */
  stalledIntervalMs: number;
  /** `JOBS_STEP_TIMEOUT_MS`: how long the saga waits for a step's job to end before it is interrupted. Default 15 000. */
  stepTimeoutMs: number;
  /** `SENTRY_DSN`: optional; without it events go only to Spotlight. */
  sentryDsn: string | undefined;
  /** `SENTRY_SPOTLIGHT`: Spotlight's stream URL, or `false`. Default `http://localhost:8969/stream`. */
  spotlight: string | false;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name}=${value} is not a non-negative integer`);
  return parsed;
}

/** Reads the configuration; a malformed value throws at start-up with the variable's name. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): JobsConfig {
  const spotlight = env.SENTRY_SPOTLIGHT ?? 'http://localhost:8969/stream';
  return {
    port: int(env.JOBS_PORT, 4000, 'JOBS_PORT'),
    host: env.JOBS_HOST || '127.0.0.1',
    redisUrl: env.REDIS_URL || 'redis://localhost:6379',
    queuePrefix: env.JOBS_QUEUE_PREFIX || 'wideline-demo',
    edgeApiUrl: (env.EDGE_API_URL || 'http://localhost:8787').replace(/\/+$/, ''),
    failAt: env.JOBS_FAIL_AT || undefined,
    stepDelayMs: int(env.JOBS_STEP_DELAY_MS, 120, 'JOBS_STEP_DELAY_MS'),
    lockMs: int(env.JOBS_LOCK_MS, 30_000, 'JOBS_LOCK_MS'),
    stalledIntervalMs: int(env.JOBS_STALLED_INTERVAL_MS, 30_000, 'JOBS_STALLED_INTERVAL_MS'),
    stepTimeoutMs: int(env.JOBS_STEP_TIMEOUT_MS, 15_000, 'JOBS_STEP_TIMEOUT_MS'),
    sentryDsn: env.SENTRY_DSN || undefined,
    spotlight: spotlight === 'false' || spotlight === '' ? false : spotlight,
  };
}

/** ioredis options for BullMQ's connections. */
export interface RedisConnection {
  host: string;
  port: number;
  password?: string;
  db?: number;
  retryStrategy: (times: number) => number;
}

/**
 * BullMQ connection options from a `redis://` URL. Reconnects every 200 ms, backing off to 2 s:
 * BullMQ's own default backs off to 20 s, so a service whose Redis restarted could idle for that
 * long after Redis is back.
 */
export function redisConnection(url: string): RedisConnection {
  const parsed = new URL(url);
  const connection: RedisConnection = {
    host: parsed.hostname || 'localhost',
    port: Number(parsed.port || 6379),
    retryStrategy: (times) => Math.min(200 * times, 2000),
  };
  if (parsed.password) connection.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.slice(1);
  if (db) connection.db = Number(db);
  return connection;
}

/**
 * The connection `POST /orders` adds jobs through: a request must answer fast while Redis is
 * unreachable, not wait for it. ioredis would otherwise keep commands in its offline queue until
 * Redis is back (`enableOfflineQueue`), retry each up to 20 times (`maxRetriesPerRequest`), and wait
 * forever on a Redis that accepts connections but does not answer (a stopped process; `commandTimeout`).
 * With these, an add fails within about 2 s at worst, and at once when the connection is down.
 */
export function producerConnection(connection: RedisConnection): RedisConnection & {
  enableOfflineQueue: false;
  maxRetriesPerRequest: number;
  commandTimeout: number;
  connectTimeout: number;
} {
  return {
    ...connection,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2000,
    connectTimeout: 2000,
  };
}
