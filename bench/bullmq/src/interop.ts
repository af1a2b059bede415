/**
 * Mixed-fleet check: a job added by BullMQ's telemetry + bullmq-otel is processed by a Wideline worker,
 * and one added by Wideline is processed by a bullmq-otel worker; each must land in the trace of the
 * span that added it. Run: `pnpm --filter @wideline/bench-bullmq interop` (needs Redis on 6379).
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Queue as WidelineQueue, Worker as WidelineWorker } from '@wideline/bullmq';
import { createTracing } from '@wideline/core';
import { Queue, Worker } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const tracing = createTracing({ serviceName: 'interop', exporter, batch: { scheduledDelayMs: 10 } });
const connection = { host: '127.0.0.1', port: 6379 };
const telemetry = new BullMQOtel({ tracerName: 'interop' });

async function check(label: string, producer: 'otel' | 'wideline'): Promise<boolean> {
  const name = `interop-${producer}-${process.pid}-${Date.now()}`;
  const queue =
    producer === 'otel' ? new Queue(name, { connection, telemetry }) : new WidelineQueue(name, { connection });
  let seen!: (traceId: string) => void;
  const processed = new Promise<string>((resolve) => {
    seen = resolve;
  });
  const processor = async () => seen(trace.getActiveSpan()?.spanContext().traceId ?? '');
  const worker =
    producer === 'otel'
      ? new WidelineWorker(name, processor, { connection })
      : new Worker(name, processor, { connection, telemetry });
  const traceId = await tracing.tracer.startActiveSpan('request', async (span) => {
    await queue.add('job', {});
    span.end();
    return span.spanContext().traceId;
  });
  const got = await processed;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  const ok = got === traceId;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: request trace ${traceId}, processed in ${got}`);
  return ok;
}

const results = [
  await check('bullmq-otel producer → @wideline/bullmq worker', 'otel'),
  await check('@wideline/bullmq producer → bullmq-otel worker', 'wideline'),
];
await tracing.shutdown();
process.exitCode = results.every(Boolean) ? 0 : 1;
