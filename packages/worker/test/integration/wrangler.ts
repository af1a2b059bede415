/**
 * Runs a Worker under `wrangler dev` (workerd) on free ports, for integration tests, and stops it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@wideline/testkit';

const FIXTURES = fileURLToPath(new URL('../fixtures/integration/', import.meta.url));
const WRANGLER = fileURLToPath(new URL('../../node_modules/wrangler/bin/wrangler.js', import.meta.url));

export interface RunningWorker {
  url: string;
  /** Everything wrangler and the Worker printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `wrangler dev -c <config>` with `vars` and waits until it answers. */
export async function startWorker(config: string, vars: Record<string, string> = {}): Promise<RunningWorker> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const args = [
    WRANGLER,
    'dev',
    '-c',
    config,
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
    '--persist-to',
    `/tmp/wideline-worker-it-${port}`,
    '--show-interactive-dev-session=false',
    ...Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
  ];
  let output = '';
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: FIXTURES,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  const deadline = Date.now() + 60_000;
  while (!/Ready on/i.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not start (exit ${child.exitCode}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, output: () => output, stop };
}
