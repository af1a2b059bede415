import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { eventOf, fetchTrace, freePort, requireStack, type StoredSpan, waitForEnvelope } from '@wideline/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tracesOfRun } from '../src/jaeger-search';
import { pageModule, writeAppFile } from '../src/page-files';

// docs/bullmq.md's program (steps 2 and 3, one module) as printed, run by Node from the scratch app
// installed from the tarballs, against a Redis of its own (its queue names are the demo's) and the
// stack's Jaeger and Spotlight.
const { apps, root } = inject('packed');
const app = apps.node;
const run = randomUUID();

async function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(String(data).startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

function startRedis(port: number): ChildProcess {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error("'redis-server' is not installed. Install it with: apt-get install -y redis-server");
  }
  const dir = join(root, 'redis');
  mkdirSync(dir, { recursive: true });
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir], {
    stdio: 'ignore',
  });
}

/** Polls Jaeger until the run has `count` traces with `minSpans` spans each. */
async function waitForRunTraces(since: Date, count: number, minSpans: number): Promise<StoredSpan[][]> {
  const deadline = Date.now() + 30_000;
  let traces: StoredSpan[][] = [];
  while (Date.now() < deadline) {
    const ids = await tracesOfRun('jobs', run, since);
    traces = await Promise.all([...ids].map((id) => fetchTrace(id)));
    if (traces.length >= count && traces.every((t) => t.length >= minSpans)) return traces;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `expected ${count} traces of ${minSpans}+ spans for run ${run}, found ${traces.map((t) => t.length)}`,
  );
}

describe("docs/bullmq.md's program, installed from the tarballs, run by Node", () => {
  let redis: ChildProcess;
  let program: ChildProcess;
  let output = '';
  const since = new Date();

  beforeAll(async () => {
    await requireStack();
    const port = await freePort();
    redis = startRedis(port);
    for (let i = 0; i < 50 && !(await redisAnswers(port)); i++) await new Promise((r) => setTimeout(r, 100));
    const main = writeAppFile(app.dir, 'main.ts', pageModule('docs/bullmq.md', ['ts'], 'createNodeTracing').code);
    // Node runs the TypeScript as printed (type stripping); only Redis's port and a run id differ.
    program = spawn(process.execPath, [main], {
      cwd: app.dir,
      env: { ...process.env, REDIS_PORT: String(port), OTEL_RESOURCE_ATTRIBUTES: `wideline.test_run=${run}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    program.stdout?.on('data', (c) => {
      output += String(c);
    });
    program.stderr?.on('data', (c) => {
      output += String(c);
    });
  }, 60_000);

  afterAll(async () => {
    program?.kill('SIGTERM'); // the program's own handler shuts tracing down
    await new Promise((r) => setTimeout(r, 500));
    program?.kill('SIGKILL'); // its worker and queue keep their Redis connections open
    redis?.kill('SIGKILL');
  });

  it('gives a job added outside any span a trace of its own: `send orders` is the root, `process orders` its child', async () => {
    const traces = await waitForRunTraces(since, 2, 2).catch((error: Error) => {
      throw new Error(`${error.message}\nprogram output:\n${output}`);
    });
    const ok = traces.find((t) => t.some((s) => s.attributes['order.id'] === 'o-1')) as StoredSpan[];
    const send = ok.find((s) => s.name === 'send orders');
    const processed = ok.find((s) => s.name === 'process orders');
    expect(send?.parentSpanId).toBeUndefined(); // the root: nothing was active when `add` ran
    expect(processed?.parentSpanId).toBe(send?.spanId);
    expect(processed?.attributes['messaging.bullmq.job.outcome']).toBe('completed');
    expect(processed?.status.code ?? 0).not.toBe(2);
  });

  it('reports the failing job to Sentry (Spotlight) with its trace id, and fails its span', async () => {
    const traces = await waitForRunTraces(since, 2, 2);
    const failed = traces.find((t) => t.some((s) => s.attributes['order.id'] === 'o-2')) as StoredSpan[];
    const processed = failed.find((s) => s.name === 'process orders');
    expect(processed?.status.code).toBe(2); // ERROR
    expect(processed?.attributes['messaging.bullmq.job.final_attempt']).toBe(true);
    const id = processed?.traceId;
    const envelope = await waitForEnvelope((e) => {
      const event = eventOf(e) as { contexts?: { trace?: { trace_id?: string } } } | undefined;
      return event?.contexts?.trace?.trace_id === id;
    });
    const event = eventOf(envelope) as { exception?: { values?: Array<{ value?: string }> } };
    expect(event.exception?.values?.at(-1)?.value).toBe('order o-2: nothing to charge');
  });
});
