import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitForTrace } from '@wideline/testkit';
import { Queue as BullQueue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { Queue, Worker } from '../../src/index';
import {
  countdown,
  current,
  deferred,
  flushSoon,
  inRequest,
  linkTypes,
  one,
  REDIS,
  requireRedis,
  uniqueQueue,
  useIntegrationSuite,
} from './setup';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const DIST = join(import.meta.dirname, '../../dist/index.js');

/** The child's stdout, one JSON message per line; throws with its stderr if it exits instead. */
function messages(child: ChildProcess): { next(): Promise<Record<string, unknown>> } {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const iterator = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return {
    next: async () => {
      const { value, done } = await iterator.next();
      if (done) throw new Error(`the stalling worker exited (is dist built? pnpm turbo run build): ${stderr}`);
      return JSON.parse(value) as Record<string, unknown>;
    },
  };
}

function startRedis(port: number, dir: string): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir],
    { stdio: 'ignore' },
  );
}

async function waitForRedis(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await requireRedis(port);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('stalled jobs, a Redis restart and hostile stored context (real Redis, read back from Jaeger)', () => {
  const service = `bullmq-int-resilience-${process.pid}`;
  const suite = useIntegrationSuite(service);
  const { open, name } = suite;

  it('a worker killed mid-job: the job stalls, a new worker re-picks it, and the trace continues with a link', async () => {
    const { existsSync } = await import('node:fs');
    if (!existsSync(DIST)) throw new Error('packages/bullmq/dist is missing: run pnpm --filter @wideline/bullmq build');
    const q = name('stall');
    const queue = open(new Queue(q, { connection: REDIS }));
    const child = spawn(process.execPath, [join(FIXTURES, 'stalling-worker.mjs'), q, `${service}-doomed`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const out = messages(child);
      expect(await out.next()).toEqual({ ready: true });
      const request = await inRequest(suite.tracing, 'POST /exports', () => queue.add('export', {}));
      const { started } = (await out.next()) as { started: { traceId: string; spanId: string } };
      expect(started.traceId).toBe(request.traceId);
      child.kill('SIGKILL');

      const repicked = deferred<{ traceId: string; spanId: string }>();
      open(
        new Worker(q, async () => repicked.resolve(current()), {
          connection: REDIS,
          lockDuration: 1000,
          stalledInterval: 300,
        }),
      );
      const second = await repicked.promise;
      await flushSoon(suite.tracing);
      expect(second.traceId).toBe(request.traceId);
      const spans = await waitForTrace(request.traceId, 3);
      const processed = one(spans, `process ${q}`); // the killed attempt's span never ended
      expect(processed.spanId).toBe(second.spanId);
      expect(processed.parentSpanId).toBe(one(spans, `send ${q}`).spanId);
      expect(linkTypes(processed)).toEqual([[started.spanId, 'previous_attempt']]);
      expect(processed.attributes).toMatchObject({
        'messaging.bullmq.job.start_reason': 'stalled',
        'messaging.bullmq.job.stalled_count': 1,
        'messaging.bullmq.job.outcome': 'completed',
      });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('Redis restarted while jobs are queued: every job keeps its context once Redis is back', async () => {
    const port = 6390;
    const connection = { host: REDIS.host, port };
    const dir = mkdtempSync(join(tmpdir(), 'wideline-redis-'));
    let redis = startRedis(port, dir);
    try {
      await waitForRedis(port);
      const q = uniqueQueue('restart');
      const queue = new Queue(q, { connection });
      queue.on('error', () => undefined); // connection refused while Redis is down
      const request = await inRequest(suite.tracing, 'POST /batch', async () => {
        for (let i = 0; i < 5; i++) await queue.add('item', { i });
      });

      const exited = new Promise((r) => redis.once('exit', r));
      redis.kill('SIGTERM'); // a clean shutdown writes the append-only file
      await exited;
      redis = startRedis(port, dir);
      await waitForRedis(port);

      const all = countdown(5);
      const seen: string[] = [];
      const worker = new Worker(
        q,
        async () => {
          seen.push(current().traceId);
          all.tick();
        },
        { connection },
      );
      await all.promise;
      await flushSoon(suite.tracing);
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();

      expect(seen).toEqual(Array(5).fill(request.traceId));
      const spans = await waitForTrace(request.traceId, 11);
      const sends = spans.filter((s) => s.name === `send ${q}`);
      const processes = spans.filter((s) => s.name === `process ${q}`);
      expect(processes).toHaveLength(5);
      expect(new Set(processes.map((p) => p.parentSpanId))).toEqual(new Set(sends.map((s) => s.spanId)));
    } finally {
      redis.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('malformed or hostile stored context is ignored: a new root, no throw, the job still runs', async () => {
    const q = name('hostile');
    const plain = open(new BullQueue(q, { connection: REDIS }));
    const good = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const hostile: unknown[] = [
      JSON.stringify({ traceparent: '00-not-a-trace-01' }),
      JSON.stringify({ traceparent: good.toUpperCase() }),
      '{"traceparent":',
      JSON.stringify([good]),
      JSON.stringify({ traceparent: { $gt: '' } }),
      `{"traceparent":"${good}","pad":"${'x'.repeat(200_000)}"}`,
      42,
      { traceparent: good },
    ];
    const all = countdown(hostile.length);
    const seen: Array<{ traceId: string; spanId: string }> = [];
    const worker = open(
      new Worker(
        q,
        async (job) => {
          seen.push(current());
          all.tick();
          return job.data;
        },
        { connection: REDIS },
      ),
    );
    const failures: unknown[] = [];
    worker.on('failed', (_job, error) => failures.push(error));
    for (const [i, metadata] of hostile.entries())
      await plain.add('hostile', { i }, { telemetry: { metadata } } as unknown as { telemetry: { metadata: string } });
    await all.promise;
    await flushSoon(suite.tracing);
    expect(failures).toEqual([]);
    expect(seen).toHaveLength(hostile.length);
    expect(seen.every((s) => s.traceId !== '4bf92f3577b34da6a3ce929d0e0e4736' && s.traceId !== '')).toBe(true);
    for (const { traceId } of seen) {
      const processed = one(await waitForTrace(traceId, 1), `process ${q}`);
      expect(processed.parentSpanId).toBeUndefined();
      expect(processed.attributes['messaging.bullmq.context_rejected']).toBe(true);
      expect(processed.attributes['messaging.bullmq.job.outcome']).toBe('completed');
    }
  });
});
