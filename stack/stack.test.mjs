import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PORTS } from './services.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const stackCli = (args, env = {}) =>
  spawnSync(process.execPath, [join(repo, 'stack', 'stack.mjs'), ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

describe('pnpm stack', () => {
  it('up again with the same store settings is idempotent; status reports every service healthy', () => {
    // The settings the running stack was started with (pnpm test: the memory store).
    const recorded = JSON.parse(readFileSync(join(repo, '.wideline', 'stack', 'jaeger.json'), 'utf8'));
    const up = stackCli(['up'], { WIDELINE_TRACE_STORE: recorded.store, WIDELINE_TRACE_RETENTION: recorded.retention });
    expect(up.status, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/already up/);
    const status = stackCli(['status']);
    expect(status.status).toBe(0);
    for (const name of Object.keys(PORTS)) expect(status.stdout).toMatch(new RegExp(`${name}\\s+up`));
  });

  it('rejects an unknown command with usage', () => {
    const result = stackCli(['sideways']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/usage: pnpm stack up \| down \| status \| logs \| kill/);
  });

  it('Jaeger answers CORS preflights for local dev origins only', async () => {
    const preflight = (origin) =>
      fetch('http://localhost:4318/v1/traces', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const local = await preflight('http://localhost:5173');
    expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
