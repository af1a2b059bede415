// Shared by the root scripts (test, demo): run steps with timings, and install dependencies when a
// fresh clone has none, so that the README's two commands work right after `git clone`.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = dirname(dirname(fileURLToPath(import.meta.url)));

/** Runs a command in the repo, inheriting stdio; resolves to its exit status (0: it worked). */
export function tryStep(title, command, args, options = {}) {
  const started = Date.now();
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, {
    cwd: repo,
    stdio: 'inherit',
    ...options,
    env: { ...process.env, ...options.env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`✖ ${title} failed after ${seconds}s (exit ${result.status ?? result.signal})`);
    return result.status ?? 1;
  }
  console.log(`✔ ${title} (${seconds}s)`);
  return 0;
}

/** {@link tryStep}, exiting the process with the command's code on failure. */
export function step(title, command, args, options = {}) {
  const status = tryStep(title, command, args, options);
  if (status !== 0) process.exit(status);
}

/** `pnpm install --frozen-lockfile` when node_modules is missing or older than the lockfile. */
export function ensureInstalled() {
  const marker = join(repo, 'node_modules', '.modules.yaml');
  const lock = join(repo, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  step('install dependencies', 'pnpm', ['install', '--frozen-lockfile']);
}

/** Tools in node_modules/.bin, without relying on the caller's PATH. */
export const bin = (name) => join(repo, 'node_modules', '.bin', name);

// Turbo would otherwise try to send anonymous telemetry.
process.env.TURBO_TELEMETRY_DISABLED = '1';
process.env.DO_NOT_TRACK = '1';
