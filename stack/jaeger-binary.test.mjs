// Which Jaeger binary `pnpm stack up` runs natively, read from a private stack on free ports (the
// shared stack is left alone): JAEGER_BINARY, else `jaeger` on PATH, else the module-proxy build.
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  constants,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { privateStack } from '../packages/testkit/src/index.ts';

const repo = join(import.meta.dirname, '..');
const built = execFileSync(process.execPath, [join(repo, 'stack', 'jaeger-build.mjs')], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .at(-1);
const scratch = mkdtempSync(join(tmpdir(), 'wideline-jaeger-bin-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hasJaeger = (dir) => {
  try {
    accessSync(join(dir, 'jaeger'), constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
/** PATH without any directory that holds a `jaeger`, then `extra` first. */
const pathWith = (...extra) =>
  [...extra, ...(process.env.PATH ?? '').split(delimiter).filter((d) => d && !hasJaeger(d))].join(delimiter);

/** Starts Jaeger alone in a private stack with `env`; returns the CLI output and the process's binary. */
async function startJaeger(env) {
  const stack = await privateStack(env);
  try {
    const up = await stack.cli(['up', 'jaeger']);
    const pid = up.status === 0 ? Number(readFileSync(join(stack.dir, 'jaeger.pid'), 'utf8').split(' ')[0]) : undefined;
    return { up, exe: pid ? readlinkSync(`/proc/${pid}/exe`) : undefined };
  } finally {
    await stack.dispose();
  }
}

describe('pnpm stack up: the Jaeger binary (private stacks on free ports)', () => {
  it('runs the binary JAEGER_BINARY names', async () => {
    const copy = join(scratch, 'jaeger-release');
    copyFileSync(built, copy);
    const { up, exe } = await startJaeger({ JAEGER_BINARY: copy, PATH: pathWith() });
    expect(up.status, up.stdout + up.stderr).toBe(0);
    expect(exe).toBe(copy);
    expect(up.stdout).toContain(`${copy} (JAEGER_BINARY`);
  });

  it('else a jaeger on PATH', async () => {
    const bin = join(scratch, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    symlinkSync(built, join(bin, 'jaeger'));
    const { up, exe } = await startJaeger({ JAEGER_BINARY: '', PATH: pathWith(bin) });
    expect(up.status, up.stdout + up.stderr).toBe(0);
    expect(exe).toBe(built);
    expect(up.stdout).toContain('(jaeger on PATH');
  });

  it('else the module-proxy build, and says its UI is a placeholder page', async () => {
    const { up, exe } = await startJaeger({ JAEGER_BINARY: '', PATH: pathWith() });
    expect(up.status, up.stdout + up.stderr).toBe(0);
    expect(exe).toBe(built);
    expect(up.stdout).toContain('built from the Go module proxy');
    expect(up.stdout).toMatch(/UI: placeholder page .*JAEGER_BINARY/);
  });

  it.each([
    ['a path that does not exist', () => join(scratch, 'missing'), /JAEGER_BINARY=.*missing is not an executable file/],
    [
      'a program that is not Jaeger v2',
      () => {
        const fake = join(scratch, 'not-jaeger');
        writeFileSync(fake, '#!/bin/sh\necho "jaeger? no"\n', { mode: 0o755 });
        return fake;
      },
      /does not answer `jaeger version` like a Jaeger v2 binary/,
    ],
    [
      'a Jaeger v1 binary',
      () => {
        const v1 = join(scratch, 'jaeger-v1');
        writeFileSync(v1, '#!/bin/sh\necho \'{"gitCommit":"abc","gitVersion":"v1.62.0","buildDate":""}\'\n', {
          mode: 0o755,
        });
        return v1;
      },
      /is Jaeger v1\.62\.0; the stack's config .* needs Jaeger v2/,
    ],
  ])('JAEGER_BINARY set to %s fails at start-up, naming the variable', async (_what, make, message) => {
    const { up } = await startJaeger({ JAEGER_BINARY: make(), PATH: pathWith() });
    expect(up.status).toBe(1);
    expect(up.stderr).toMatch(message);
  });
});
