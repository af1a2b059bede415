/** `wrangler dev` (workerd) for integration tests, the demo journey and the Worker benchmark. */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './ports.ts';

export interface WranglerDevArgs {
  /** Path of `wrangler/bin/wrangler.js`. */
  wrangler: string;
  port: number;
  inspectorPort: number;
  /** Local state (KV, D1, Durable Objects) goes here, so runs never share it. */
  persistTo: string;
  /** The wrangler config file; default: the one in the working directory. */
  config?: string;
  /** `--var NAME:value` for each entry. */
  vars?: Record<string, string>;
}

/** The command line (after `node`) for `wrangler dev` on 127.0.0.1, without its interactive session. */
export function wranglerDevArgs(options: WranglerDevArgs): string[] {
  return [
    options.wrangler,
    'dev',
    ...(options.config ? ['-c', options.config] : []),
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--inspector-port',
    String(options.inspectorPort),
    '--persist-to',
    options.persistTo,
    '--show-interactive-dev-session=false',
    ...Object.entries(options.vars ?? {}).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
  ];
}

/** The environment `wrangler dev` runs with here: no metrics prompt, no colours. */
export function wranglerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' };
}

export interface RunningWorker {
  url: string;
  /** The wrangler process (workerd runs below it). */
  pid: number;
  /** Where wrangler's inspector proxy listens (Chrome DevTools protocol, for profiles). */
  inspectorPort: number;
  /** Everything wrangler and the Worker printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev -c <config>` in `cwd` on free ports and waits until it says it is ready
 * (without sending the Worker a request).
 */
export async function startWranglerDev(options: {
  wrangler: string;
  cwd: string;
  config: string;
  vars?: Record<string, string>;
  /** Prefix of the per-run state directory; the port is appended. */
  persistPrefix: string;
}): Promise<RunningWorker> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const args = wranglerDevArgs({ ...options, port, inspectorPort, persistTo: `${options.persistPrefix}${port}` });
  let output = '';
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: wranglerEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
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
      throw new Error(`wrangler dev -c ${options.config} did not start (exit ${child.exitCode}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid as number, inspectorPort, output: () => output, stop };
}
