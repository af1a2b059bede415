#!/usr/bin/env node
// `pnpm stack up | down | status | logs | kill [service…]`: Wideline's local stack (Jaeger v2, Redis,
// Spotlight) on the ports docker-compose.yml uses. Prefers Docker when an engine answers; otherwise
// starts native processes (stack/native.mjs), each with a pid file and a log under .wideline/stack/.
// `up` leaves healthy services alone; `down` stops only what `up` started; `kill` is a crash on
// purpose (SIGKILL), for tests of what survives one.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseRoute, compose } from './docker.mjs';
import { killNative, nativeServices, startNative, stopNative } from './native.mjs';
import { logFile, logTail, ownedPid } from './processes.mjs';
import { stackDir, stackPorts } from './services.mjs';

const USAGE = 'usage: pnpm stack up | down | status | logs | kill [jaeger|redis|spotlight …]';
const repo = dirname(dirname(fileURLToPath(import.meta.url)));

function context() {
  const env = process.env;
  const ctx = { repo, env, dir: stackDir(repo, env), ports: stackPorts(env) };
  return { ...ctx, services: nativeServices(ctx), modeFile: join(ctx.dir, 'mode') };
}

const mode = (ctx) => (existsSync(ctx.modeFile) ? readFileSync(ctx.modeFile, 'utf8') : undefined);

function selected(ctx, names) {
  const unknown = names.filter((n) => !ctx.services.some((s) => s.name === n));
  if (unknown.length > 0) throw new UsageError(`unknown service ${unknown.join(', ')}`);
  return names.length === 0 ? ctx.services : ctx.services.filter((s) => names.includes(s.name));
}

class UsageError extends Error {}

async function up(ctx, names) {
  mkdirSync(ctx.dir, { recursive: true });
  const services = selected(ctx, names);
  if ((await Promise.all(services.map((s) => s.healthy()))).every(Boolean)) {
    console.log(`stack: already up (${services.map((s) => `${s.name} :${s.ports.at(-1)}`).join(', ')})`);
    return;
  }
  const route = chooseRoute(ctx.env);
  if (route.docker) {
    console.log(`stack: starting with Docker (${route.why}): docker compose up --wait`);
    compose(ctx.repo, ['up', '-d', '--wait', ...names]);
    writeFileSync(ctx.modeFile, 'docker');
    return;
  }
  console.log(`stack: starting natively (${route.why})`);
  writeFileSync(ctx.modeFile, 'native');
  for (const service of services) await startNative(ctx, service);
  const { jaegerQuery, otlpHttp, spotlight } = ctx.ports;
  console.log(
    `stack: up — Jaeger http://localhost:${jaegerQuery}, OTLP http://localhost:${otlpHttp}, Spotlight http://localhost:${spotlight}`,
  );
}

async function down(ctx, names) {
  if (mode(ctx) === 'docker') compose(ctx.repo, names.length > 0 ? ['stop', ...names] : ['down']);
  else for (const service of selected(ctx, names)) await stopNative(ctx, service);
  if (names.length > 0) return;
  rmSync(ctx.modeFile, { force: true });
  console.log('stack: down');
}

async function kill(ctx, names) {
  if (names.length === 0) throw new UsageError('kill needs the services to kill, e.g. pnpm stack kill redis');
  if (mode(ctx) === 'docker') compose(ctx.repo, ['kill', '-s', 'SIGKILL', ...names]);
  else for (const service of selected(ctx, names)) await killNative(ctx, service);
}

async function status(ctx) {
  let allUp = true;
  for (const service of ctx.services) {
    const healthy = await service.healthy();
    allUp &&= healthy;
    const pid = ownedPid(ctx.dir, service.name);
    console.log(`  ${service.name.padEnd(10)} ${healthy ? 'up  ' : 'down'}${pid ? ` (pid ${pid})` : ''}`);
  }
  process.exitCode = allUp ? 0 : 1;
}

function logs(ctx, names) {
  if (mode(ctx) === 'docker') return compose(ctx.repo, ['logs', ...names]);
  for (const service of selected(ctx, names)) {
    if (!existsSync(logFile(ctx.dir, service.name))) continue;
    console.log(`==> ${service.name} (${logFile(ctx.dir, service.name)})`);
    console.log(logTail(ctx.dir, service.name, 50));
  }
}

const [command, ...names] = process.argv.slice(2);
const commands = { up, down, status, logs, kill };
if (!commands[command]) {
  console.error(USAGE);
  process.exit(2);
}
try {
  await commands[command](context(), names);
} catch (error) {
  console.error(`stack ${command}: ${error.message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exit(error instanceof UsageError ? 2 : 1);
}
