// The stack without Docker: Jaeger (stack/jaeger-binary.mjs), Debian's redis-server and Spotlight from
// npm, each a detached process with a pid file and a log in the stack's folder (stack/services.mjs).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpOk, portInUse, redisPing, sleep } from './health.mjs';
import { findJaeger, servesPlaceholderUi } from './jaeger-binary.mjs';
import { freezeOwned, killOwned, logFile, logTail, ownedPid, startDetached, stopOwned, which } from './processes.mjs';
import { JAEGER_CONFIG, PORT_VARIABLES, redisArgs, traceStore } from './services.mjs';

/** The services of a stack whose folder is `dir` and whose ports are `ports` (stackPorts()). */
export function nativeServices({ repo, dir, ports, env }) {
  const portEnv = Object.fromEntries(Object.entries(PORT_VARIABLES).map(([key, [name]]) => [name, String(ports[key])]));
  return [
    {
      name: 'jaeger',
      // The last port is the one `up` names (the UI and query API).
      ports: [ports.otlpGrpc, ports.otlpHttp, ports.jaegerQueryGrpc, ports.jaegerHealth, ports.jaegerQuery],
      healthy: () => httpOk(`http://localhost:${ports.jaegerHealth}/status`),
      timeoutMs: 60_000,
      dataDir: join(dir, 'jaeger'),
      /** What differs between the store it runs and the one asked for now (a reason to restart). */
      changed() {
        const file = join(dir, 'jaeger.json');
        if (!existsSync(file)) return undefined;
        const was = JSON.parse(readFileSync(file, 'utf8'));
        const want = traceStore(env);
        if (was.store === want.store && (want.store === 'memory' || was.retention === want.retention)) return undefined;
        return `store ${was.store}${was.store === 'badger' ? ` (${was.retention})` : ''} → ${want.store}${want.store === 'badger' ? ` (${want.retention})` : ''}`;
      },
      async start() {
        const store = traceStore(env);
        const jaeger = await findJaeger(env);
        writeFileSync(join(dir, 'jaeger.json'), JSON.stringify({ ...jaeger, ...store }));
        const storeEnv = {
          WIDELINE_JAEGER_DATA_DIR: join(dir, 'jaeger'),
          WIDELINE_TRACE_STORE: store.store,
          WIDELINE_TRACE_RETENTION: store.retention,
        };
        return {
          bin: jaeger.path,
          args: ['--config', join(repo, JAEGER_CONFIG)],
          env: { ...env, ...portEnv, ...storeEnv, JAEGER_LISTEN_HOST: 'localhost' },
          jaeger,
          store,
        };
      },
      async describe({ jaeger, store }) {
        const from = {
          JAEGER_BINARY: 'JAEGER_BINARY',
          PATH: 'jaeger on PATH',
          build: 'built from the Go module proxy',
        };
        const ui = (await servesPlaceholderUi(`http://localhost:${ports.jaegerQuery}/`))
          ? 'UI: placeholder page (no UI assets in this binary; a Jaeger release binary has them: JAEGER_BINARY)'
          : `UI http://localhost:${ports.jaegerQuery}`;
        const kept =
          store.store === 'badger'
            ? `store: badger in ${join(dir, 'jaeger')}, retention ${store.retention}`
            : 'store: memory (empty at every start)';
        return `${jaeger.path} (${from[jaeger.source]}, ${jaeger.version}); ${ui}\n             ${kept}`;
      },
    },
    {
      name: 'redis',
      ports: [ports.redis],
      healthy: () => redisPing(ports.redis),
      timeoutMs: 20_000,
      start() {
        const bin = which('redis-server', env);
        if (!bin)
          throw new Error(
            "'redis-server' is not installed. Install it with: apt-get install -y redis-server (or use Docker)",
          );
        const data = join(dir, 'redis');
        mkdirSync(data, { recursive: true });
        return { bin, args: ['--port', String(ports.redis), '--bind', '127.0.0.1', ...redisArgs(data)], env };
      },
      dataDir: join(dir, 'redis'),
      describe: () => `data ${join(dir, 'redis')} (AOF)`,
    },
    {
      name: 'spotlight',
      ports: [ports.spotlight],
      healthy: () => httpOk(`http://localhost:${ports.spotlight}/health`, 'OK'),
      timeoutMs: 30_000,
      start: () => ({
        bin: process.execPath,
        args: [join(repo, 'stack', 'spotlight.mjs'), String(ports.spotlight)],
        env,
      }),
      describe: () => '',
    },
  ];
}

async function waitHealthy(dir, service, pid) {
  const deadline = Date.now() + service.timeoutMs;
  while (Date.now() < deadline) {
    if (await service.healthy()) return;
    if (pid !== undefined && !ownedPid(dir, service.name)) break;
    await sleep(250);
  }
  throw new Error(
    `${service.name} did not become healthy within ${service.timeoutMs / 1000}s. Last log lines (${logFile(dir, service.name)}):\n${logTail(dir, service.name)}`,
  );
}

/** Starts the service unless it already answers; refuses a port another process holds. */
export async function startNative({ repo, dir }, service) {
  if (await service.healthy()) {
    const owned = ownedPid(dir, service.name);
    const change = owned ? service.changed?.() : undefined;
    if (!change) {
      console.log(`  ${service.name.padEnd(10)} already up${owned ? '' : ' (not started by this stack; left alone)'}`);
      return;
    }
    console.log(`  ${service.name.padEnd(10)} restarting: ${change}`);
    await stopOwned(dir, service.name);
  }
  for (const port of service.ports) {
    if (await portInUse(port))
      throw new Error(
        `${service.name}: port ${port} is taken by another process and ${service.name} is not answering there. Free the port and retry.`,
      );
  }
  const started = await service.start();
  const pid = startDetached(dir, service.name, started.bin, started.args, { cwd: repo, env: started.env });
  const t0 = Date.now();
  await waitHealthy(dir, service, pid);
  const about = await service.describe(started);
  console.log(
    `  ${service.name.padEnd(10)} up (pid ${pid}, ${((Date.now() - t0) / 1000).toFixed(1)}s, log ${logFile(dir, service.name)})${about ? `\n             ${about}` : ''}`,
  );
}

export async function stopNative({ dir }, service) {
  if (await stopOwned(dir, service.name)) console.log(`  ${service.name.padEnd(10)} stopped`);
}

/** SIGSTOP (`pause: true`) or SIGCONT to a service this stack started. */
export function freezeNative({ dir }, service, pause) {
  if (!freezeOwned(dir, service.name, pause))
    throw new Error(`${service.name} was not started by this stack (no live pid file in ${dir}); nothing signalled.`);
  console.log(`  ${service.name.padEnd(10)} ${pause ? 'paused (SIGSTOP)' : 'resumed (SIGCONT)'}`);
}

export async function killNative({ dir }, service) {
  if (!(await killOwned(dir, service.name))) {
    const foreign = (await service.healthy())
      ? ' It answers, but another checkout or program started it: stop that one, then run pnpm stack up here.'
      : '';
    throw new Error(
      `${service.name} was not started by this stack (no live pid file in ${dir}); nothing killed.${foreign}`,
    );
  }
  console.log(`  ${service.name.padEnd(10)} killed (SIGKILL)`);
}
