// stack/jaeger.yaml against the Jaeger the stack pins: `jaeger validate` of the binary built from the
// pinned module (v1.76.0 = Jaeger 2.13.0) rejects unknown keys and badly typed values, so every Badger
// and memory setting in the file is one that release reads.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION, JAEGER_CONFIG } from './services.mjs';

const repo = join(import.meta.dirname, '..');
const pinned = execFileSync(process.execPath, [join(repo, 'stack', 'jaeger-build.mjs')], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .at(-1);
const config = readFileSync(join(repo, JAEGER_CONFIG), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'wideline-jaeger-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const validate = (file, env = {}) => {
  const { WIDELINE_TRACE_STORE, WIDELINE_TRACE_RETENTION, ...base } = process.env;
  return spawnSync(pinned, ['validate', '--config', file], { encoding: 'utf8', env: { ...base, ...env } });
};

describe('stack/jaeger.yaml against the pinned Jaeger (jaeger validate)', () => {
  it.each([
    ['the defaults', {}],
    ['the memory store', { WIDELINE_TRACE_STORE: 'memory' }],
    ['a retention of 24h', { WIDELINE_TRACE_RETENTION: '24h' }],
    ['moved ports', { WIDELINE_OTLP_HTTP_PORT: '24318', WIDELINE_JAEGER_QUERY_PORT: '26686' }],
  ])('is valid with %s', (_what, env) => {
    const result = validate(join(repo, JAEGER_CONFIG), env);
    expect(result.status, result.stderr).toBe(0);
  });

  it('is checked strictly: a misspelt Badger key or a retention in days fails', () => {
    const misspelt = join(scratch, 'misspelt.yaml');
    writeFileSync(misspelt, config.replace('ephemeral: false', 'ephemral: false'));
    expect(validate(misspelt).stderr).toMatch(/invalid keys: ephemral/);
    expect(validate(join(repo, JAEGER_CONFIG), { WIDELINE_TRACE_RETENTION: '7d' }).stderr).toMatch(
      /badger\.ttl\.spans.*unknown unit/,
    );
  });

  it('defaults to the Badger store with the retention the CLI and the docs state', () => {
    expect(config).toContain(`spans: "\${env:WIDELINE_TRACE_RETENTION:-${DEFAULT_RETENTION}}"`);
    expect(config.match(/\$\{env:WIDELINE_TRACE_STORE:-badger\}/g)).toHaveLength(2);
  });
});
