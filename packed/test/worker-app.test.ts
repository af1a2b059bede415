import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  eventOf,
  freePort,
  type RunningWorker,
  requireStack,
  startWranglerDev,
  waitForEnvelope,
  waitForTrace,
  wranglerDevArgs,
  wranglerEnv,
} from '@wideline/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labelledBlock, pageModule, writeAppFile } from '../src/page-files';

// docs/worker.md's Worker, as printed (wrangler.jsonc and src/index.ts), installed from the tarballs
// with npm and run by the app's own wrangler against the stack. A local server stands in for the jobs
// service the guide's Worker calls, and records what it receives.
const { apps, root } = inject('packed');
const app = apps.worker;
const wrangler = join(app.dir, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const SERVER = 2; // OTLP SpanKind
const CLIENT = 3;

const traceId = () => randomBytes(16).toString('hex');
const traceparent = (id: string) => `00-${id}-${randomBytes(8).toString('hex')}-01`;

interface Jobs {
  url: string;
  seen: IncomingHttpHeaders[];
  /** Trace ids whose requests get a 503. */
  failing: Set<string>;
  close(): Promise<void>;
}

async function startJobs(): Promise<Jobs> {
  const seen: IncomingHttpHeaders[] = [];
  const failing = new Set<string>();
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const id = String(req.headers.traceparent ?? '').split('-')[1] ?? '';
    res.statusCode = failing.has(id) ? 503 : 202;
    res.end(failing.has(id) ? 'unavailable' : 'queued');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    failing,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("docs/worker.md's Worker, installed from the tarballs, under the app's own wrangler", () => {
  let jobs: Jobs;
  let worker: RunningWorker;

  beforeAll(async () => {
    await requireStack();
    writeAppFile(app.dir, 'wrangler.jsonc', labelledBlock('docs/worker.md', 'wrangler.jsonc').code);
    writeAppFile(app.dir, 'src/index.ts', pageModule('docs/worker.md', ['ts'], 'export default').code);
    jobs = await startJobs();
    // The one change to the printed config: where the stand-in jobs service listens.
    worker = await startWranglerDev({
      wrangler,
      cwd: app.dir,
      config: 'wrangler.jsonc',
      vars: { JOBS_URL: jobs.url },
      persistPrefix: join(root, 'wrangler-state-'),
    });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await jobs?.close();
  });

  it('continues the caller’s trace, passes it to the jobs service, and exports both spans to Jaeger', async () => {
    const id = traceId();
    const res = await fetch(`${worker.url}/api/orders`, { method: 'POST', headers: { traceparent: traceparent(id) } });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('queued');
    const received = jobs.seen.find((h) => String(h.traceparent).includes(id));
    expect(received?.traceparent).toMatch(new RegExp(`^00-${id}-[0-9a-f]{16}-01$`));
    const spans = await waitForTrace(id, 2);
    const server = spans.find((s) => s.kind === SERVER);
    const client = spans.find((s) => s.kind === CLIENT);
    expect(server?.service).toBe('edge-api');
    expect(server?.attributes['order.items']).toBe(2); // the guide's wideEvent() field
    expect(client?.parentSpanId).toBe(server?.spanId);
    // The callee's parent is the Worker's CLIENT span, read on the callee's side of the wire.
    expect(String(received?.traceparent).split('-')[2]).toBe(client?.spanId);
  });

  it('reports a failed call to Sentry (Spotlight) with the same trace id, and marks the span failed', async () => {
    const id = traceId();
    jobs.failing.add(id);
    const res = await fetch(`${worker.url}/api/orders`, { method: 'POST', headers: { traceparent: traceparent(id) } });
    expect(res.status).toBe(500);
    const envelope = await waitForEnvelope((e) => {
      const event = eventOf(e) as { contexts?: { trace?: { trace_id?: string } } } | undefined;
      return event?.contexts?.trace?.trace_id === id;
    });
    const event = eventOf(envelope) as { exception?: { values?: Array<{ value?: string }> } };
    expect(event.exception?.values?.at(-1)?.value).toBe('jobs answered 503');
    expect(envelope.header.trace?.trace_id).toBe(id);
    const spans = await waitForTrace(id, 2);
    expect(spans.find((s) => s.kind === SERVER)?.status.code).toBe(2); // ERROR
  });
});

it('without nodejs_compat, does not load: wrangler reports Sentry’s missing node:async_hooks, as the guide says', async () => {
  const printed = labelledBlock('docs/worker.md', 'wrangler.jsonc').code;
  const withoutFlag = printed.replace(/^.*"compatibility_flags".*\n/m, '');
  expect(withoutFlag).not.toContain('nodejs_compat');
  writeAppFile(app.dir, 'wrangler.no-compat.jsonc', withoutFlag);
  writeAppFile(app.dir, 'src/index.ts', pageModule('docs/worker.md', ['ts'], 'export default').code);
  const args = wranglerDevArgs({
    wrangler,
    config: 'wrangler.no-compat.jsonc',
    port: await freePort(),
    inspectorPort: await freePort(),
    persistTo: join(root, 'wrangler-state-no-compat'),
  });
  const child = spawn(process.execPath, args, { cwd: app.dir, env: wranglerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => {
    output += String(c);
  });
  child.stderr.on('data', (c) => {
    output += String(c);
  });
  const deadline = Date.now() + 60_000;
  while (!/failed to start/.test(output) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  expect(output).toContain('No such module "node:async_hooks"');
  expect(output).toMatch(/The Workers runtime failed to start/);
  expect(output).not.toMatch(/Ready on/);
}, 90_000);
