/** Shared set-up for the integration tests: real Redis, real Jaeger, Wideline registered globally. */
import { context, type Span, trace } from '@opentelemetry/api';
import type { WidelineTracing } from '@wideline/core';
import { createNodeTracing } from '@wideline/core/node';
import { requireStack, type StoredSpan } from '@wideline/testkit';
import { Queue as BullQueue } from 'bullmq';
import IORedis from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

export const REDIS = { host: '127.0.0.1', port: 6379 };

/** Closable things a test opened; closed (and queues obliterated) in `afterAll`. */
export interface Closable {
  close(): Promise<unknown>;
}

export async function requireRedis(port = REDIS.port): Promise<void> {
  const client = new IORedis({ host: REDIS.host, port, lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined); // the failed connect below says it
  try {
    await client.connect();
    await client.ping();
  } catch {
    throw new Error(`Redis is not answering on ${REDIS.host}:${port}. Start the stack with: pnpm stack up`);
  } finally {
    client.disconnect();
  }
}

export async function startTracing(serviceName: string): Promise<WidelineTracing> {
  await requireStack();
  await requireRedis();
  return createNodeTracing({ serviceName, batch: { scheduledDelayMs: 50 } });
}

let counter = 0;
/** A queue name no other test (or earlier run) uses. */
export function uniqueQueue(label: string): string {
  counter += 1;
  return `wl-${label}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** Obliterates the queues and closes everything, so Vitest can exit. */
export async function cleanUp(
  tracing: WidelineTracing | undefined,
  closables: Closable[],
  queues: string[],
  connection = REDIS,
) {
  await Promise.allSettled(closables.reverse().map((c) => c.close()));
  for (const name of queues) {
    const queue = new BullQueue(name, { connection });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
  await tracing?.shutdown();
  context.disable();
}

/** Runs `fn` in a new root span (a "request"); returns what it returns and the span's trace id. */
export async function inRequest<T>(
  tracing: WidelineTracing,
  name: string,
  fn: (span: Span) => Promise<T>,
): Promise<{ traceId: string; spanId: string; value: T }> {
  return tracing.tracer.startActiveSpan(name, { root: true }, async (span) => {
    try {
      const value = await fn(span);
      return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, value };
    } finally {
      span.end();
    }
  });
}

/** The active span's context (inside a processor: the attempt's process span). */
export function current(): { traceId: string; spanId: string } {
  const ctx = trace.getActiveSpan()?.spanContext();
  return { traceId: ctx?.traceId ?? '', spanId: ctx?.spanId ?? '' };
}

/** A promise and its resolver. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves after `n` calls of the returned callback. */
export function countdown(n: number) {
  const done = deferred();
  let left = n;
  return {
    promise: done.promise,
    tick: () => {
      left -= 1;
      if (left === 0) done.resolve();
    },
  };
}

export function byName(spans: StoredSpan[], name: string): StoredSpan[] {
  return spans.filter((s) => s.name === name);
}

export function one(spans: StoredSpan[], name: string): StoredSpan {
  const found = byName(spans, name);
  if (found.length !== 1)
    throw new Error(`expected one "${name}" span, found ${found.length}: ${spans.map((s) => s.name)}`);
  return found[0] as StoredSpan;
}

export function linkTypes(span: StoredSpan): Array<[string, unknown]> {
  return span.links.map((l) => [l.spanId, l.attributes['wideline.link.type']]);
}

/**
 * Flushes after the spans that are ending now have ended. (A processor signals the test from inside
 * its span, a moment before the span ends; core's batch processor does not schedule a span that ends
 * while a flush is draining, so flushing too early can strand it.)
 */
export async function flushSoon(tracing: WidelineTracing): Promise<void> {
  await new Promise((r) => setTimeout(r, 30));
  await tracing.forceFlush();
}

/**
 * A suite's tracing, queue names and open resources, set up and torn down with Vitest hooks: call it
 * once at the top of a `describe`.
 */
export function useIntegrationSuite(serviceName: string) {
  const closables: Closable[] = [];
  const queues: string[] = [];
  let tracing: WidelineTracing | undefined;
  beforeAll(async () => {
    tracing = await startTracing(serviceName);
  });
  afterAll(() => cleanUp(tracing, closables, queues));
  return {
    get tracing(): WidelineTracing {
      if (!tracing) throw new Error('the suite’s tracing has not started (beforeAll failed?)');
      return tracing;
    },
    /** Registers something to close after the suite. */
    open<T extends Closable>(closable: T): T {
      closables.push(closable);
      return closable;
    },
    /** A unique queue name, obliterated after the suite. */
    name(label: string): string {
      const queue = uniqueQueue(label);
      queues.push(queue);
      return queue;
    },
  };
}
