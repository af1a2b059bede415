// The stack with Docker: docker-compose.yml through `docker compose`.
import { execFileSync, spawnSync } from 'node:child_process';
import { which } from './processes.mjs';
import { movedPorts } from './services.mjs';

/**
 * Whether `up` uses Docker: an engine and Compose answer, and nothing asks for the native route
 * (`WIDELINE_STACK=native`, moved ports, or a second stack's folder, which only the native route has).
 * @returns {{ docker: boolean, why: string }}
 */
export function chooseRoute(env = process.env) {
  const nativeOnly = [...movedPorts(env), ...(env.WIDELINE_STACK_DIR ? ['WIDELINE_STACK_DIR'] : [])];
  if (env.WIDELINE_STACK === 'docker' && nativeOnly.length > 0)
    throw new Error(`WIDELINE_STACK=docker, but ${nativeOnly.join(', ')} apply to the native route only: unset them`);
  if (env.WIDELINE_STACK === 'native') return { docker: false, why: 'WIDELINE_STACK=native' };
  if (nativeOnly.length > 0) return { docker: false, why: `${nativeOnly.join(', ')} set` };
  if (!which('docker', env)) return { docker: false, why: 'no docker on PATH' };
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5000 });
  const compose = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore', timeout: 5000 });
  if (info.status !== 0) return { docker: false, why: 'no Docker engine answers' };
  if (compose.status !== 0) return { docker: false, why: 'docker has no compose plugin' };
  return { docker: true, why: 'a Docker engine answers' };
}

/** Runs `docker compose <args>` in the repository, output to the terminal. */
export function compose(repo, args, env = {}) {
  execFileSync('docker', ['compose', ...args], { cwd: repo, stdio: 'inherit', env: { ...process.env, ...env } });
}
