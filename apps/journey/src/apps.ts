/**
 * Starts the three demo apps on the given (or free) ports — jobs (Node), edge-api (`wrangler dev`,
 * workerd) and web (the built page, served with its runtime config) — and stops them. Used by
 * `pnpm demo` and by the journey:integration test, so the two run the same thing.
 */

import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, wranglerDevArgs } from '@wideline/testkit';
import { type Running, start, waitReady } from './processes.ts';
import { serveWeb, type WebServer } from './web-server.ts';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const APPS = join(REPO, 'apps');

/** Where the stack is; the defaults are the local stack's. */
export interface StackUrls {
  otlp: string;
  jaegerUi: string;
  jaegerQuery: string;
  spotlight: string;
  redis: string;
}

export function stackUrls(env: NodeJS.ProcessEnv = process.env): StackUrls {
  return {
    otlp: env.WIDELINE_OTLP_URL ?? 'http://localhost:4318',
    jaegerUi: env.WIDELINE_JAEGER_UI_URL ?? 'http://localhost:16686',
    jaegerQuery: env.WIDELINE_JAEGER_QUERY_URL ?? 'http://localhost:16686',
    spotlight: env.WIDELINE_SPOTLIGHT_URL ?? 'http://localhost:8969',
    redis: env.REDIS_URL ?? 'redis://localhost:6379',
  };
}

export interface JourneyOptions {
  /** Ports; `0` or missing picks a free one. The demo uses 4000 / 8787 / 5173. */
  ports?: { jobs?: number; edge?: number; web?: number };
  /** BullMQ key prefix, so that several journeys can share one Redis. Default: unique per run. */
  queuePrefix?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Where the stack is, when not the local one (a fault run's own Redis, Jaeger or Spotlight). */
  stack?: Partial<StackUrls>;
  /** Extra environment for the jobs service (e.g. shorter BullMQ lock durations in a fault run). */
  jobsEnv?: Record<string, string>;
}

/** The jobs service of a running journey, which a fault run may kill and start again. */
export interface JobsProcess {
  pid(): number;
  /** Sends `signal` to its process group and waits until it has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts it again, same port and configuration; resolves once it answers `/health`. */
  start(): Promise<void>;
}

export interface RunningJourney {
  urls: { jobs: string; edge: string; web: string };
  stack: StackUrls;
  /** What each app printed so far (for failures). */
  output(): Record<string, string>;
  jobs: JobsProcess;
  /** Process ids: `jobs` (Node) and `edge-api` (wrangler, with workerd below it). */
  pids(): Record<string, number>;
  stop(): Promise<void>;
}

/** What the jobs service needs to start. */
export interface JobsOptions {
  port: number;
  /** Where it pushes order status (`EDGE_API_URL`). */
  edgeApiUrl: string;
  stack: StackUrls;
  /** BullMQ key prefix (`JOBS_QUEUE_PREFIX`). */
  queuePrefix: string;
  /** More environment, e.g. `JOBS_STEP_DELAY_MS`. */
  env?: Record<string, string>;
}

/** Starts the jobs service (`node src/main.ts`) without waiting for it; see `waitReady`. */
export function startJobs(options: JobsOptions): Running & { child: ChildProcess } {
  return start('jobs', process.execPath, ['src/main.ts'], {
    cwd: join(APPS, 'jobs'),
    env: {
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: options.stack.otlp,
      WIDELINE_JAEGER_UI_URL: options.stack.jaegerUi,
      JOBS_PORT: String(options.port),
      EDGE_API_URL: options.edgeApiUrl,
      REDIS_URL: options.stack.redis,
      JOBS_QUEUE_PREFIX: options.queuePrefix,
      SENTRY_SPOTLIGHT: `${options.stack.spotlight}/stream`,
      ...options.env,
    },
  });
}

/** Starts jobs, edge-api and web; on any failure stops what it started and rethrows. */
export async function startApps(options: JourneyOptions = {}): Promise<RunningJourney> {
  const log = options.log ?? (() => undefined);
  const stack = { ...stackUrls(), ...options.stack };
  const ports = {
    jobs: options.ports?.jobs || (await freePort()),
    edge: options.ports?.edge || (await freePort()),
    web: options.ports?.web || (await freePort()),
  };
  const inspector = await freePort();
  const urls = {
    jobs: `http://127.0.0.1:${ports.jobs}`,
    edge: `http://localhost:${ports.edge}`,
    web: `http://localhost:${ports.web}`,
  };
  const edgeInternal = `http://127.0.0.1:${ports.edge}`;
  const persist = await mkdtemp(join(tmpdir(), 'wideline-edge-'));
  const children: Running[] = [];
  let web: WebServer | undefined;
  let edge: (Running & { child: ChildProcess }) | undefined;
  let jobsOutput = '';
  const jobsOptions: JobsOptions = {
    port: ports.jobs,
    edgeApiUrl: edgeInternal,
    stack,
    queuePrefix: options.queuePrefix ?? `wideline-journey-${process.pid}-${ports.jobs}`,
    ...(options.jobsEnv ? { env: options.jobsEnv } : {}),
  };
  let jobs = startJobs(jobsOptions);
  children.push(jobs);
  const stop = async () => {
    await web?.close();
    await Promise.all(children.map((c) => c.stop()));
    await rm(persist, { recursive: true, force: true });
  };
  const baseEnv = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlp, WIDELINE_JAEGER_UI_URL: stack.jaegerUi };
  try {
    const wrangler = join(APPS, 'edge-api', 'node_modules', 'wrangler', 'bin', 'wrangler.js');
    const vars = {
      JOBS_URL: urls.jobs,
      ALLOWED_ORIGINS: urls.web,
      OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlp,
      SENTRY_DSN: `${stack.spotlight.replace('://', '://public@')}/0`,
      WIDELINE_JAEGER_UI_URL: stack.jaegerUi,
    };
    edge = start(
      'edge-api',
      process.execPath,
      wranglerDevArgs({ wrangler, port: ports.edge, inspectorPort: inspector, persistTo: persist, vars }),
      { cwd: join(APPS, 'edge-api'), env: { ...baseEnv, WRANGLER_SEND_METRICS: 'false' } },
    );
    children.push(edge);
    web = await serveWeb(join(APPS, 'web', 'dist'), ports.web, {
      edgeApiUrl: urls.edge,
      otlpEndpoint: stack.otlp,
      sentryDsn: vars.SENTRY_DSN,
      jaegerUiUrl: stack.jaegerUi,
    });
    log(`web       ${urls.web} (apps/web/dist)`);
    await waitReady(jobs, `${urls.jobs}/health`, 30_000);
    log(`jobs      ${urls.jobs} (BullMQ on ${stack.redis})`);
    await waitReady(edge, `${edgeInternal}/health`, 60_000);
    log(`edge-api  ${urls.edge} (wrangler dev, workerd)`);
  } catch (error) {
    await stop();
    throw error;
  }
  const jobsControl: JobsProcess = {
    pid: () => jobs.child.pid ?? 0,
    async kill(signal) {
      if (jobs.child.exitCode !== null || jobs.child.signalCode !== null) return;
      const exited = new Promise((resolve) => jobs.child.once('exit', resolve));
      process.kill(-(jobs.child.pid as number), signal);
      await exited;
    },
    async start() {
      jobsOutput += jobs.output();
      children.splice(children.indexOf(jobs), 1);
      jobs = startJobs(jobsOptions);
      children.push(jobs);
      await waitReady(jobs, `${urls.jobs}/health`, 30_000);
    },
  };
  return {
    urls,
    stack,
    output: () => Object.fromEntries(children.map((c) => [c.name, c === jobs ? jobsOutput + c.output() : c.output()])),
    jobs: jobsControl,
    pids: () => ({ jobs: jobs.child.pid ?? 0, 'edge-api': edge?.child.pid ?? 0 }),
    stop,
  };
}
