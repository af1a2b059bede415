/**
 * The jobs service: one Node process with the HTTP endpoint, the `orders` saga worker and the step
 * workers (`stock`, `payments`, `shipping`). Tracing is Wideline's (one provider, registered
 * globally, so `@wideline/bullmq` finds it); Sentry reports errors only, stamped with the trace id.
 *
 * Run: `node src/main.ts` (Node ≥ 22.18 runs TypeScript directly). Configuration: see `config.ts`.
 */
import { createServer } from 'node:http';
import * as Sentry from '@sentry/node';
import { Queue, Worker } from '@wideline/bullmq';
import { linkSentry } from '@wideline/core';
import { createNodeTracing } from '@wideline/core/node';
import { QueueEvents } from 'bullmq';
import { producerConnection, readConfig, redisConnection } from './config.ts';
import { traceRequests } from './http-tracing.ts';
import { redisLedger } from './ledger.ts';
import { orderProcessor } from './saga.ts';
import { router } from './server.ts';
import { statusPusher } from './status.ts';
import { STEP_QUEUES, stepProcessor } from './steps.ts';

const config = readConfig();
// AsyncLocalStorage context, `OTEL_*` from process.env, OTLP/HTTP export; registered globally.
const tracing = createNodeTracing({ serviceName: 'jobs', batch: { scheduledDelayMs: 500 } });
const jaegerUiUrl = tracing.config.jaegerUiUrl;

Sentry.init({
  ...(config.sentryDsn ? { dsn: config.sentryDsn } : {}),
  spotlight: config.spotlight,
  // Wideline owns the tracer provider and the HTTP spans; Sentry keeps to errors.
  enableOpenTelemetrySetup: false,
  defaultIntegrations: false,
  integrations: [
    Sentry.onUncaughtExceptionIntegration(),
    Sentry.onUnhandledRejectionIntegration(),
    Sentry.linkedErrorsIntegration(),
  ],
});
linkSentry(Sentry.getGlobalScope(), { jaegerUiUrl });

const connection = redisConnection(config.redisUrl);
const common = { connection, prefix: config.queuePrefix };
// Requests add orders through a connection that fails fast while Redis is unreachable (a 503 at
// once); the saga's and the workers' connections wait for Redis instead, and carry on when it is back.
const orders = new Queue('orders', { connection: producerConnection(connection), prefix: config.queuePrefix });
orders.on('error', () => undefined); // each failed add answers 503 and is on the request's span
const stepQueues = Object.fromEntries(STEP_QUEUES.map((name) => [name, new Queue(name, common)]));
const events = Object.fromEntries(STEP_QUEUES.map((name) => [name, new QueueEvents(name, common)]));
await Promise.all(Object.values(events).map((e) => e.waitUntilReady()));
const ledger = redisLedger(connection, config.queuePrefix);

const status = statusPusher(tracing.tracer, config.edgeApiUrl, tracing.tailSampler);
// A job re-picked after a stall replays safely (saga steps are read from their jobs, effects are
// idempotent by job id), so a stalled job gets three re-picks before BullMQ fails it (its default: one).
const locks = { lockDuration: config.lockMs, stalledInterval: config.stalledIntervalMs, maxStalledCount: 3 };
// Final failures go to Sentry with the trace id of the attempt (and, for a retry, of the request).
// Each attempt writes its trace context to the job's log as it starts (one Redis command), not after
// 500 ms: these jobs move money, and a re-pick after a crash must always link the attempt that died.
const wideline = { sentry: Sentry, jaegerUiUrl, attemptLogAfterMs: 0 };
const workers = [
  new Worker('orders', orderProcessor({ queues: stepQueues, events, status, stepTimeoutMs: config.stepTimeoutMs }), {
    ...common,
    ...locks,
    concurrency: 20,
    wideline,
  }),
  ...STEP_QUEUES.map(
    (name) =>
      new Worker(name, stepProcessor(config.stepDelayMs, ledger), { ...common, ...locks, concurrency: 20, wideline }),
  ),
];
for (const worker of workers) worker.on('error', (error) => console.error(`[jobs] worker error: ${error.message}`));

const server = createServer(
  traceRequests(
    tracing.tracer,
    router({ orders, ledger, defaultFailAt: config.failAt, telemetry: () => tracing.stats() }),
    tracing.tailSampler,
  ),
);
server.listen(config.port, config.host, () => {
  console.log(
    `[jobs] listening on http://${config.host}:${config.port} (redis ${config.redisUrl}, prefix ${config.queuePrefix})`,
  );
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`[jobs] ${signal}: closing`);
  server.closeAllConnections();
  server.close();
  await Promise.allSettled(workers.map((w) => w.close()));
  await Promise.allSettled(
    [orders, ...Object.values(stepQueues), ...Object.values(events), ledger].map((c) => c.close()),
  );
  await tracing.shutdown();
  await Sentry.close(2000);
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
