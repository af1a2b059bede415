/**
 * Drives the local stack's CLI (`stack/stack.mjs`) from a test: crash and restart a service of the
 * running stack (fault tests), or start a second, private stack on free ports with its own folder
 * (tests that must not touch the shared stack's data: retention, reset, a stopped Jaeger).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';

/** The repository root (this file is packages/testkit/src/stack-control.ts). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO_ROOT, 'stack', 'stack.mjs');

export type StackService = 'jaeger' | 'redis' | 'spotlight';

export interface StackCliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `pnpm stack <args>` (without pnpm) and resolves with its exit status and output. Asynchronous,
 * so that a test's open connections keep running while it waits.
 */
export function runStackCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<StackCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function mustRun(args: string[], env?: NodeJS.ProcessEnv): Promise<StackCliResult> {
  const result = await runStackCli(args, env);
  if (result.status !== 0)
    throw new Error(`pnpm stack ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return result;
}

/**
 * Crashes a service of the running stack: SIGKILL, no shutdown (natively through its pid file, with
 * Docker through `docker compose kill`). Resolves once it is gone.
 * @example
 * await killStackService('redis');
 * await startStackService('redis'); // AOF: every acknowledged job is back
 */
export async function killStackService(service: StackService, env?: NodeJS.ProcessEnv): Promise<void> {
  await mustRun(['kill', service], env);
}

/**
 * Freezes a service of the running stack (SIGSTOP natively, `docker compose pause` with Docker): it
 * keeps its ports and connections and answers nothing, as a hung process does.
 * @example
 * await pauseStackService('jaeger');
 * // … exporters time out; the apps must not notice …
 * await resumeStackService('jaeger');
 */
export async function pauseStackService(service: StackService, env?: NodeJS.ProcessEnv): Promise<void> {
  await mustRun(['pause', service], env);
}

/** Thaws a service {@link pauseStackService} froze (SIGCONT, `docker compose unpause`). */
export async function resumeStackService(service: StackService, env?: NodeJS.ProcessEnv): Promise<void> {
  await mustRun(['resume', service], env);
}

/** Starts a service of the stack (`pnpm stack up <service>`) and resolves once it is healthy. */
export async function startStackService(service: StackService, env?: NodeJS.ProcessEnv): Promise<void> {
  await mustRun(['up', service], env);
}

/** Kills a service (SIGKILL) and starts it again; resolves once it is healthy. */
export async function restartStackService(service: StackService, env?: NodeJS.ProcessEnv): Promise<void> {
  await killStackService(service, env);
  await startStackService(service, env);
}

/** A second stack, native, on free ports, with its own folder; see {@link privateStack}. */
export interface PrivateStack {
  /** The environment its CLI runs with (pass it to `runStackCli`). */
  env: NodeJS.ProcessEnv;
  /** Its folder: pid files, logs, data. */
  dir: string;
  urls: { jaegerQuery: string; otlp: string; spotlight: string; redisPort: number };
  /** `pnpm stack <args>` for this stack, with `env` on top of its own. */
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<StackCliResult>;
  /** Stops whatever it started and deletes its folder. */
  dispose(): Promise<void>;
}

/**
 * A private native stack: every port moved to a free one, its folder in the temp directory, the
 * default trace store settings, any extra `env` (e.g. `WIDELINE_TRACE_RETENTION`). Nothing is
 * started until you run `cli(['up', …])`.
 * @example
 * const stack = await privateStack({ WIDELINE_TRACE_RETENTION: '3s' });
 * await stack.cli(['up', 'jaeger']);
 * // … export to stack.urls.otlp, read from stack.urls.jaegerQuery …
 * await stack.dispose();
 */
export async function privateStack(extra: NodeJS.ProcessEnv = {}): Promise<PrivateStack> {
  const dir = mkdtempSync(join(tmpdir(), 'wideline-stack-'));
  const names = [
    'WIDELINE_OTLP_GRPC_PORT',
    'WIDELINE_OTLP_HTTP_PORT',
    'WIDELINE_JAEGER_QUERY_PORT',
    'WIDELINE_JAEGER_QUERY_GRPC_PORT',
    'WIDELINE_JAEGER_HEALTH_PORT',
    'WIDELINE_REDIS_PORT',
    'WIDELINE_SPOTLIGHT_PORT',
  ];
  const ports: Record<string, string> = {};
  const taken = new Set<number>();
  for (const name of names) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = String(port);
  }
  // The store settings are the defaults unless `extra` sets them (pnpm test runs the shared stack on
  // the memory store; a private stack should not inherit that).
  const { WIDELINE_TRACE_STORE, WIDELINE_TRACE_RETENTION, ...inherited } = process.env;
  const env = { ...inherited, WIDELINE_STACK: 'native', WIDELINE_STACK_DIR: dir, ...ports, ...extra };
  const cli = (args: string[], more: NodeJS.ProcessEnv = {}) => runStackCli(args, { ...env, ...more });
  return {
    env,
    dir,
    urls: {
      jaegerQuery: `http://localhost:${ports.WIDELINE_JAEGER_QUERY_PORT}`,
      otlp: `http://localhost:${ports.WIDELINE_OTLP_HTTP_PORT}`,
      spotlight: `http://localhost:${ports.WIDELINE_SPOTLIGHT_PORT}`,
      redisPort: Number(ports.WIDELINE_REDIS_PORT),
    },
    cli,
    async dispose() {
      await cli(['down']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
