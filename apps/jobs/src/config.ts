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
    sentryDsn: env.SENTRY_DSN || undefined,
    spotlight: spotlight === 'false' || spotlight === '' ? false : spotlight,
  };
}

/** BullMQ connection options from a `redis://` URL. */
export function redisConnection(url: string): { host: string; port: number; password?: string; db?: number } {
  const parsed = new URL(url);
  const connection: { host: string; port: number; password?: string; db?: number } = {
    host: parsed.hostname || 'localhost',
    port: Number(parsed.port || 6379),
  };
  if (parsed.password) connection.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.slice(1);
  if (db) connection.db = Number(db);
  return connection;
}
