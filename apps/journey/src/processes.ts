/**
 * Child processes of the journey: start with captured output, wait until ready, stop by process
 * group (wrangler runs workerd as its own child) with SIGTERM, then SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const alive = new Set<ChildProcess>();

/**
 * Kills (SIGKILL, by process group) every child started here that is still running. Synchronous, so
 * it also works from an `exit` handler; `stop()` is the graceful way.
 */
export function killAll(): void {
  for (const child of alive) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  alive.clear();
}

// Children live in their own process groups, so they would outlive this process: never let them.
process.once('exit', killAll);

/** A started child process. */
export interface Running {
  name: string;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export function start(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string | undefined> },
): Running & { child: ChildProcess } {
  let output = '';
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so that stop() reaches the grandchildren (workerd)
  });
  alive.add(child);
  child.once('exit', () => alive.delete(child));
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // Already gone.
    }
  };
  let stopped: Promise<void> | undefined;
  return {
    name,
    child,
    output: () => output,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          signal('SIGKILL'); // grandchildren may outlive the group leader
          return resolve();
        }
        const timer = setTimeout(() => signal('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          signal('SIGKILL');
          resolve();
        });
        signal('SIGTERM');
      });
      return stopped;
    },
  };
}

/** Polls `url` until it answers 2xx; fails early if the process exits, with its output. */
export async function waitReady(
  running: Running & { child: ChildProcess },
  url: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null)
      throw new Error(`${running.name} exited with code ${running.child.exitCode}:\n${tail(running.output())}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${running.name} did not answer ${url} within ${timeoutMs} ms:\n${tail(running.output())}`);
}

/** The last lines of some output, for error messages. */
export function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
