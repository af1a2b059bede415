// The `clickhouse` profile of docker-compose.yml: a pinned ClickHouse and a Jaeger writing its spans
// there (stack/jaeger-clickhouse.yaml), checked without a Docker engine — the profile as compose-go
// resolves it, and the Jaeger config by the pinned Jaeger's own `validate`, which refuses unknown keys.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..');
const project = JSON.parse(
  execFileSync('go', ['run', '.', join(repo, 'docker-compose.yml')], {
    cwd: join(repo, 'stack', 'compose-check'),
    encoding: 'utf8',
  }),
);
const { clickhouse, 'jaeger-clickhouse': jaeger } = project.services;

describe('docker-compose.yml, clickhouse profile', () => {
  it('adds a pinned ClickHouse and a Jaeger writing to it, both behind the profile', () => {
    expect(clickhouse.image).toBe('clickhouse/clickhouse-server:25.9.2');
    expect(clickhouse.profiles).toEqual(['clickhouse']);
    expect(jaeger.profiles).toEqual(['clickhouse']);
    expect(clickhouse.ports.map((p) => p.target).sort()).toEqual([8123, 9000]);
    expect(jaeger.image).toBe(project.services.jaeger.image);
    expect(jaeger.command).toEqual(['--config', '/etc/wideline/jaeger-clickhouse.yaml']);
    expect(jaeger.volumes).toContainEqual(
      expect.objectContaining({
        source: join(repo, 'stack/jaeger-clickhouse.yaml'),
        target: '/etc/wideline/jaeger-clickhouse.yaml',
      }),
    );
    expect(jaeger.depends_on.clickhouse.condition).toBe('service_healthy');
  });

  it('logs Jaeger in with the user and database the ClickHouse image creates, on ports no other service uses', () => {
    expect(jaeger.environment).toMatchObject({
      CLICKHOUSE_ADDRESS: 'clickhouse:9000',
      CLICKHOUSE_DATABASE: clickhouse.environment.CLICKHOUSE_DB,
      CLICKHOUSE_USER: clickhouse.environment.CLICKHOUSE_USER,
      CLICKHOUSE_PASSWORD: clickhouse.environment.CLICKHOUSE_PASSWORD,
    });
    const published = Object.values(project.services).flatMap((s) => (s.ports ?? []).map((p) => p.published));
    expect(new Set(published).size).toBe(published.length);
  });

  it("is a config the pinned Jaeger accepts: every key checked by Jaeger's own validate", () => {
    // The pinned release, built from the Go module proxy (as stack/jaeger-config.test.mjs checks jaeger.yaml).
    const binary = execFileSync(process.execPath, [join(repo, 'stack', 'jaeger-build.mjs')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .at(-1);
    const env = { ...process.env, ...jaeger.environment };
    const config = join(repo, 'stack/jaeger-clickhouse.yaml');
    const ok = spawnSync(binary, ['validate', '--config', config], { encoding: 'utf8', env });
    expect(ok.status, ok.stderr).toBe(0);
    // The check is real: Jaeger refuses a key its clickhouse backend does not have.
    mkdirSync(join(repo, '.wideline'), { recursive: true });
    const bad = join(repo, '.wideline', 'jaeger-clickhouse-bad.yaml');
    writeFileSync(
      bad,
      readFileSync(config, 'utf8').replace('create_schema: true', 'create_schema: true\n          table_prefix: x'),
    );
    const refused = spawnSync(binary, ['validate', '--config', bad], { encoding: 'utf8', env });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/'clickhouse' has invalid keys: table_prefix/);
  });
});
