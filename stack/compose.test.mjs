// docker-compose.yml, checked without a Docker engine: loaded by compose-go (the loader of Docker
// Compose v2) through stack/compose-check, then every health check, command and entrypoint checked
// against the facts of its pinned image (stack/images.mjs), and the whole file against the native
// route (stack/services.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { healthcheckArgv, problems } from './command-check.mjs';
import { IMAGES } from './images.mjs';
import { DOCKER_DATA, JAEGER_CONFIG, PORTS, redisArgs } from './services.mjs';

const repo = join(import.meta.dirname, '..');
const JAEGER_MODULE = 'github.com/jaegertracing/jaeger@v1.76.0';

/** The resolved project, interpolated from `env` only (no WIDELINE_* or JAEGER_* of the caller). */
function loadCompose(env = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(WIDELINE_|JAEGER_)/.test(k)));
  const out = execFileSync('go', ['run', '.', join(repo, 'docker-compose.yml')], {
    cwd: join(repo, 'stack', 'compose-check'),
    encoding: 'utf8',
    env: { ...base, ...env },
  });
  return JSON.parse(out);
}

const project = loadCompose();
const services = Object.entries(project.services);
const factsOf = (service) => {
  const facts = IMAGES[service.image];
  if (!facts)
    throw new Error(
      `${service.image} has no row in stack/images.mjs: add what the image carries (entrypoint, user, shells, programs), each fact with the file it comes from`,
    );
  return facts;
};

describe('docker-compose.yml against what each pinned image carries (stack/images.mjs)', () => {
  it.each(services)('%s: its image has a row of facts', (_name, service) => {
    expect(() => factsOf(service)).not.toThrow();
  });

  it.each(services.filter(([, s]) => s.healthcheck?.test))(
    '%s: the health check runs only programs its image has',
    (_name, service) => {
      const facts = factsOf(service);
      const argv = healthcheckArgv(service.healthcheck.test, facts);
      expect(problems(argv, facts)).toEqual([]);
    },
  );

  it.each(services)('%s: its entrypoint and command run only programs its image has', (_name, service) => {
    const facts = factsOf(service);
    if (service.entrypoint?.length) expect(problems(service.entrypoint, facts)).toEqual([]);
    else if (service.command?.length && facts.entrypoint.runsCommand)
      expect(problems(service.command, facts)).toEqual([]);
  });

  it.each(services.filter(([, s]) => (s.ports ?? []).length > 0))(
    '%s: a service that publishes ports has a health check (up --wait waits on it)',
    (_name, service) => {
      expect(service.healthcheck?.test?.[0]).toMatch(/^CMD(-SHELL)?$/);
    },
  );

  it('the Jaeger facts match the image’s Dockerfile in the Jaeger module the stack pins', () => {
    const { Dir } = JSON.parse(execFileSync('go', ['mod', 'download', '-json', JAEGER_MODULE], { encoding: 'utf8' }));
    const dockerfile = readFileSync(join(Dir, 'cmd', 'jaeger', 'Dockerfile'), 'utf8').split(
      '# ------------- Begin DEBUG',
    )[0];
    const facts = IMAGES['jaegertracing/jaeger:2.13.0'];
    expect(dockerfile).toContain(`ENTRYPOINT ${JSON.stringify(facts.entrypoint.argv)}`);
    expect(dockerfile).toContain(`ARG USER_UID=${facts.user.uid}`);
    expect(readFileSync(join(Dir, 'scripts', 'build', 'docker', 'base', 'Dockerfile'), 'utf8')).toMatch(
      /^FROM alpine:3\.22/m,
    );
  });
});

describe('docker-compose.yml against the native route (stack/services.mjs)', () => {
  const byName = project.services;
  const published = (name) => (byName[name].ports ?? []).map((p) => p.target).sort();
  const longRunning = services.filter(([, s]) => (s.ports ?? []).length > 0 && !(s.profiles ?? []).length);

  it('has the same services on the same ports (services behind a profile are extra)', () => {
    expect(longRunning.map(([name]) => name).sort()).toEqual(Object.keys(PORTS).sort());
    for (const [name, ports] of Object.entries(PORTS)) expect(published(name)).toEqual([...ports].sort());
  });

  it('gives Jaeger the same config file', () => {
    expect(byName.jaeger.image).toMatch(/^jaegertracing\/jaeger:2\./);
    expect(byName.jaeger.command).toEqual(['--config', '/etc/wideline/jaeger.yaml']);
    expect(byName.jaeger.volumes).toContainEqual(
      expect.objectContaining({ type: 'bind', source: join(repo, JAEGER_CONFIG), target: '/etc/wideline/jaeger.yaml' }),
    );
  });

  it('runs Redis with the native arguments (AOF, noeviction) on a named volume at its data folder', () => {
    expect(byName.redis.command).toEqual(['redis-server', ...redisArgs('/data')]);
    expect(byName.redis.volumes).toContainEqual(expect.objectContaining({ type: 'volume', target: '/data' }));
    const volume = byName.redis.volumes.find((v) => v.target === '/data').source;
    expect(project.volumes[volume]).toBeDefined();
  });
});

describe('docker-compose.yml: Jaeger’s Badger store on a volume its non-root user can write', () => {
  const { jaeger } = project.services;
  const owner = Object.entries(project.services).find(([, s]) => s.entrypoint?.[0] === 'chown');
  const dataMount = jaeger.volumes.find((v) => v.type === 'volume');

  it('keeps the store in a named volume at the folder jaeger.yaml is told to use', () => {
    expect(dataMount.target).toBe(DOCKER_DATA.jaeger);
    expect(jaeger.environment.WIDELINE_JAEGER_DATA_DIR).toBe(DOCKER_DATA.jaeger);
    expect(project.volumes[dataMount.source]).toBeDefined();
  });

  it('hands the volume to the uid the Jaeger image runs as, before Jaeger starts', () => {
    expect(owner, 'a one-shot service that chowns the volume').toBeDefined();
    const [name, service] = owner;
    const facts = IMAGES[jaeger.image];
    expect(service.user).toBe('root');
    expect(service.entrypoint).toEqual(['chown', `${facts.user.uid}:${facts.user.uid}`, DOCKER_DATA.jaeger]);
    expect(service.volumes).toContainEqual(
      expect.objectContaining({ source: dataMount.source, target: dataMount.target }),
    );
    expect(jaeger.depends_on[name].condition).toBe('service_completed_successfully');
  });

  it('every one-shot service is awaited by a long-running one (else `up --wait` fails when it exits)', () => {
    const oneShot = services.filter(([, s]) => !(s.ports ?? []).length).map(([name]) => name);
    for (const name of oneShot) {
      const waiters = services.filter(([, s]) => s.depends_on?.[name]?.condition === 'service_completed_successfully');
      expect(waiters.length, `${name} is awaited by a service with ports`).toBeGreaterThan(0);
    }
  });

  it('passes WIDELINE_TRACE_RETENTION and WIDELINE_TRACE_STORE from the shell, and leaves them unset otherwise', () => {
    expect(jaeger.environment.WIDELINE_TRACE_RETENTION).toBeNull();
    expect(jaeger.environment.WIDELINE_TRACE_STORE).toBeNull();
    const set = loadCompose({ WIDELINE_TRACE_RETENTION: '24h', WIDELINE_TRACE_STORE: 'memory' }).services.jaeger;
    expect(set.environment).toMatchObject({ WIDELINE_TRACE_RETENTION: '24h', WIDELINE_TRACE_STORE: 'memory' });
  });

  it.each(Object.entries(DOCKER_DATA))(
    'pnpm stack status can measure %s’s data in its container (du)',
    (name, path) => {
      const facts = factsOf(project.services[name]);
      expect(problems(['du', '-sk', path], facts)).toEqual([]);
      expect(project.services[name].volumes).toContainEqual(expect.objectContaining({ type: 'volume', target: path }));
    },
  );
});

describe('each health check answers against the running native stack', () => {
  const run = (argv) => spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 5000 });

  it.each([
    ['spotlight', 'bash'],
    ['redis', 'redis-cli'],
  ])('%s: its health check command, run as is, succeeds', (name, program) => {
    const argv = healthcheckArgv(project.services[name].healthcheck.test, factsOf(project.services[name]));
    expect(argv[0]).toBe(program);
    const result = run(argv);
    expect(result.status, `${argv.join(' ')}\n${result.stderr}`).toBe(0);
  });

  it('jaeger: the URL its health check fetches answers 200', async () => {
    const url = project.services.jaeger.healthcheck.test.find((arg) => arg.startsWith('http://'));
    expect((await fetch(url)).status).toBe(200);
  });

  it('spotlight: the same command fails when nothing listens', () => {
    const [shell, flag, script] = healthcheckArgv(
      project.services.spotlight.healthcheck.test,
      factsOf(project.services.spotlight),
    );
    expect(run([shell, flag, script.replace('/8969', '/1')]).status).not.toBe(0);
  });
});
