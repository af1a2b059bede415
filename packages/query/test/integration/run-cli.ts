/** Runs the real `wideline` CLI in a child process, as a user would. */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { JAEGER_QUERY_URL } from '@wideline/testkit';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function wideline(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: { ...process.env, WIDELINE_JAEGER_QUERY_URL: JAEGER_QUERY_URL, NO_COLOR: '1', COLUMNS: '120', ...env },
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
        ...(cwd ? { cwd } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: withoutCgroupNotice(stderr) });
      },
    );
  });
}

/**
 * ClickHouse (in chDB) prints one notice with a stack trace when /sys/fs/cgroup is empty, as it is
 * under `ip netns exec`, where these tests run; users' machines have cgroups mounted.
 */
function withoutCgroupNotice(stderr: string): string {
  return stderr.replace(/^Cannot use cgroups reader: [^\n]*\n(?:\n|\d+\. [^\n]*\n)*(?: \(version [^\n]*\)\n)?/m, '');
}

/** A local port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
