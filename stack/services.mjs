// What both routes of the local stack must agree on: service names, ports, the Jaeger config file,
// Redis's arguments. stack.mjs starts these natively; docker-compose.yml declares them for Docker; the
// stack tests check that the two match.
import { isAbsolute, join } from 'node:path';

export const JAEGER_CONFIG = 'stack/jaeger.yaml';

/** Ports docker-compose.yml publishes, per service (the defaults of the variables below). */
export const PORTS = {
  jaeger: [4317, 4318, 16686, 13133],
  redis: [6379],
  spotlight: [8969],
};

/**
 * Every port the stack listens on, the variable that moves it and its default. Moving ports is for
 * the native route only (a second stack beside the first, as tests start): docker-compose.yml keeps
 * the defaults. stack/jaeger.yaml reads the Jaeger variables itself.
 */
export const PORT_VARIABLES = {
  otlpGrpc: ['WIDELINE_OTLP_GRPC_PORT', 4317],
  otlpHttp: ['WIDELINE_OTLP_HTTP_PORT', 4318],
  jaegerQuery: ['WIDELINE_JAEGER_QUERY_PORT', 16686],
  jaegerQueryGrpc: ['WIDELINE_JAEGER_QUERY_GRPC_PORT', 16685],
  jaegerHealth: ['WIDELINE_JAEGER_HEALTH_PORT', 13133],
  redis: ['WIDELINE_REDIS_PORT', 6379],
  spotlight: ['WIDELINE_SPOTLIGHT_PORT', 8969],
};

/** The ports from `env`; throws naming the variable when one is not a port number. */
export function stackPorts(env = process.env) {
  const ports = {};
  for (const [key, [name, fallback]] of Object.entries(PORT_VARIABLES)) {
    const raw = env[name];
    const port = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`${name}=${raw} is not a TCP port: use a number from 1 to 65535, or unset it`);
    ports[key] = port;
  }
  return ports;
}

/** Names of the port variables set in `env` (a moved stack cannot use Docker). */
export const movedPorts = (env = process.env) =>
  Object.values(PORT_VARIABLES)
    .map(([name]) => name)
    .filter((name) => env[name]);

/**
 * Where a stack keeps pid files, logs and data: `.wideline/stack` in the repository, or
 * `WIDELINE_STACK_DIR` (a second stack beside the first).
 */
export function stackDir(repo, env = process.env) {
  const dir = env.WIDELINE_STACK_DIR;
  if (!dir) return join(repo, '.wideline', 'stack');
  return isAbsolute(dir) ? dir : join(repo, dir);
}

/**
 * redis-server's arguments on both routes. AOF (fsync every second): a Redis that is killed or
 * restarted keeps every job it acknowledged. noeviction: BullMQ requires it (an evicted key is a lost
 * job or a corrupt queue). No RDB snapshots: the AOF is the persistence.
 */
export const redisArgs = (dataDir) => [
  '--dir',
  dataDir,
  '--appendonly',
  'yes',
  '--appendfsync',
  'everysec',
  '--save',
  '',
  '--maxmemory-policy',
  'noeviction',
];

/** How long Jaeger keeps a trace by default (its Badger store's `ttl.spans`, stack/jaeger.yaml). */
export const DEFAULT_RETENTION = '168h';
const STORES = ['badger', 'memory'];

/**
 * The trace store from `env`: `WIDELINE_TRACE_STORE` (badger, the default, or memory) and
 * `WIDELINE_TRACE_RETENTION` (a Go duration such as 168h, 24h, 90m). Throws naming the variable and
 * the fix, so a typo fails at start-up rather than inside Jaeger.
 */
export function traceStore(env = process.env) {
  const store = env.WIDELINE_TRACE_STORE || 'badger';
  if (!STORES.includes(store))
    throw new Error(`WIDELINE_TRACE_STORE=${store} is not a store: use badger (kept on disk, the default) or memory`);
  const retention = env.WIDELINE_TRACE_RETENTION || DEFAULT_RETENTION;
  if (!/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(retention) || goDurationMs(retention) <= 0)
    throw new Error(
      `WIDELINE_TRACE_RETENTION=${retention} is not a duration Jaeger reads: use hours, minutes or seconds, e.g. 168h (7 days, the default), 24h, 90m`,
    );
  return { store, retention, retentionMs: goDurationMs(retention) };
}

/** Milliseconds in a Go duration made of h, m, s, ms parts ("1h30m"). */
export function goDurationMs(text) {
  const unit = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const [, n, u] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(n) * unit[u];
  return total;
}

/** Where each store lives inside its container (docker-compose.yml's named volumes). */
export const DOCKER_DATA = { jaeger: '/badger', redis: '/data' };
