#!/usr/bin/env node
// `pnpm stack up | down | status | logs | kill | pause | resume | reset [service…]`: Wideline's local stack (Jaeger v2, Redis,
// Spotlight) on the ports docker-compose.yml uses. Prefers Docker when an engine answers; otherwise
// starts native processes (stack/native.mjs), each with a pid file and a log under .wideline/stack/.
// `up` leaves healthy services alone; `down` stops only what `up` started; `kill` is a crash on
// purpose (SIGKILL), for tests of what survives one; `pause` / `resume` freeze a service and thaw it
// (SIGSTOP / SIGCONT, `docker compose pause` / `unpause`): a hung process that keeps its sockets;
// `reset` empties the stores — the only command that deletes data.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { context, mode, recordedStore, selected, UsageError } from './context.mjs';
import { chooseRoute, compose } from './docker.mjs';
import { freezeNative, killNative, startNative, stopNative } from './native.mjs';
import { logFile, logTail } from './processes.mjs';
import { reset } from './reset.mjs';
import { traceStore } from './services.mjs';
import { status } from './status.mjs';

const USAGE = 'usage: pnpm stack up | down | status | logs | kill | pause | resume | reset [jaeger|redis|spotlight …]';

async function up(ctx, names) {
  mkdirSync(ctx.dir, { recursive: true });
  const services = selected(ctx, names);
  const unchanged = mode(ctx) === 'docker' ? !dockerStoreChanged(ctx) : services.every((s) => !s.changed?.());
  if (unchanged && (await Promise.all(services.map((s) => s.healthy()))).every(Boolean)) {
    console.log(`stack: already up (${services.map((s) => `${s.name} :${s.ports.at(-1)}`).join(', ')})`);
    return;
  }
  const route = chooseRoute(ctx.env);
  if (route.docker) {
    const store = traceStore(ctx.env);
    console.log(`stack: starting with Docker (${route.why}): docker compose up --wait`);
    // The checked values, so that Jaeger in the container reads exactly these.
    compose(ctx.repo, ['up', '-d', '--wait', ...names], {
      WIDELINE_TRACE_STORE: store.store,
      WIDELINE_TRACE_RETENTION: store.retention,
    });
    writeFileSync(ctx.modeFile, 'docker');
    writeFileSync(join(ctx.dir, 'jaeger.json'), JSON.stringify({ source: 'docker', ...store }));
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

/** The Docker route recorded other store settings than the ones asked for now (compose recreates). */
function dockerStoreChanged(ctx) {
  const was = recordedStore(ctx);
  const want = traceStore(ctx.env);
  return was !== undefined && (was.store !== want.store || was.retention !== want.retention);
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

function freezer(pause) {
  return async (ctx, names) => {
    const verb = pause ? 'pause' : 'resume';
    if (names.length === 0)
      throw new UsageError(`${verb} needs the services to ${verb}, e.g. pnpm stack ${verb} jaeger`);
    if (mode(ctx) === 'docker') compose(ctx.repo, [pause ? 'pause' : 'unpause', ...names]);
    else for (const service of selected(ctx, names)) freezeNative(ctx, service, pause);
  };
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
const commands = { up, down, status, logs, kill, pause: freezer(true), resume: freezer(false), reset };
if (!commands[command]) {
  console.error(USAGE);
  process.exit(2);
}
// The probes' AbortSignal.timeout timers do not keep Node running, so a probe waiting on a service
// that accepted the connection but has not answered yet could end the process mid-command (exit 13,
// "unsettled top-level await"). This handle keeps it alive until the command is done.
const keepAlive = setInterval(() => undefined, 60_000);
try {
  await commands[command](context(), names);
} catch (error) {
  console.error(`stack ${command}: ${error.message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exitCode = error instanceof UsageError ? 2 : 1;
} finally {
  clearInterval(keepAlive);
}
