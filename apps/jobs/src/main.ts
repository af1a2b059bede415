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
import { readConfig, redisConnection } from './config.ts';
import { traceRequests } from './http-tracing.ts';
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
const orders = new Queue('orders', common);
const stepQueues = Object.fromEntries(STEP_QUEUES.map((name) => [name, new Queue(name, common)]));
const events = Object.fromEntries(STEP_QUEUES.map((name) => [name, new QueueEvents(name, common)]));
await Promise.all(Object.values(events).map((e) => e.waitUntilReady()));

const status = statusPusher(tracing.tracer, config.edgeApiUrl, tracing.tailSampler);
const workers = [
  new Worker('orders', orderProcessor({ queues: stepQueues, events, status, stepTimeoutMs: 15_000 }), {
    ...common,
    concurrency: 20,
    // The saga's final failure goes to Sentry with the trace id of the attempt.
    wideline: { sentry: Sentry, jaegerUiUrl },
  }),
  ...STEP_QUEUES.map((name) => new Worker(name, stepProcessor(config.stepDelayMs), { ...common, concurrency: 20 })),
];
for (const worker of workers) worker.on('error', (error) => console.error(`[jobs] worker error: ${error.message}`));

const server = createServer(traceRequests(tracing.tracer, router(orders, config.failAt), tracing.tailSampler));
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
  await Promise.allSettled([orders, ...Object.values(stepQueues), ...Object.values(events)].map((c) => c.close()));
  await tracing.shutdown();
  await Sentry.close(2000);
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
