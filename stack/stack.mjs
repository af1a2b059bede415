#!/usr/bin/env node
// `pnpm stack up | down | status | logs [service]`: Wideline's local stack (Jaeger v2, Redis,
// Spotlight) on the ports docker-compose.yml uses. Prefers Docker when an engine answers; otherwise
// starts native processes — the Jaeger binary built from the Go module proxy (stack/jaeger-build.sh),
// Debian's redis-server, Spotlight from npm — each with a pid file and a log under .wideline/stack/.
// `up` leaves healthy services alone; `down` stops only what `up` started.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JAEGER_CONFIG, PORTS } from './services.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const stateDir = join(repo, '.wideline', 'stack');
const modeFile = join(stateDir, 'mode');

async function httpOk(url, expect) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    return res.ok && (expect === undefined || (await res.text()).includes(expect));
  } catch {
    return false;
  }
}

function redisPing(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function portInUse(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('connect', () => socket.destroy() || resolve(true));
    socket.on('error', () => resolve(false));
  });
}

function which(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

const services = [
  {
    name: 'jaeger',
    ports: PORTS.jaeger,
    healthy: () => httpOk('http://localhost:13133/status'),
    timeoutMs: 60_000,
    command() {
      const built = spawnSync('bash', [join(repo, 'stack', 'jaeger-build.sh')], {
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
      });
      if (built.status !== 0)
        throw new Error(
          'could not build or find the Jaeger binary (see above); or run the stack with Docker: docker compose up -d',
        );
      return [built.stdout.trim().split('\n').at(-1), ['--config', join(repo, JAEGER_CONFIG)]];
    },
  },
  {
    name: 'redis',
    ports: PORTS.redis,
    healthy: () => redisPing(6379),
    timeoutMs: 20_000,
    command() {
      const bin = which('redis-server');
      if (!bin)
        throw new Error(
          "'redis-server' is not installed. Install it with: apt-get install -y redis-server (or use Docker)",
        );
      return [bin, ['--port', '6379', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']];
    },
  },
  {
    name: 'spotlight',
    ports: PORTS.spotlight,
    healthy: () => httpOk('http://localhost:8969/health', 'OK'),
    timeoutMs: 30_000,
    command: () => [process.execPath, [join(repo, 'stack', 'spotlight.mjs'), '8969']],
  },
];

const pidFile = (name) => join(stateDir, `${name}.pid`);
const logFile = (name) => join(stateDir, `${name}.log`);

function ownedPid(name) {
  if (!existsSync(pidFile(name))) return undefined;
  const pid = Number(readFileSync(pidFile(name), 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    rmSync(pidFile(name), { force: true });
    return undefined;
  }
}

function dockerEngineAnswers() {
  if (process.env.WIDELINE_STACK === 'native') return false;
  if (!which('docker')) return false;
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5000 });
  const compose = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore', timeout: 5000 });
  return info.status === 0 && compose.status === 0;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitHealthy(service, pid) {
  const deadline = Date.now() + service.timeoutMs;
  while (Date.now() < deadline) {
    if (await service.healthy()) return;
    if (pid !== undefined && !ownedPid(service.name)) break;
    await sleep(250);
  }
  const log = existsSync(logFile(service.name))
    ? readFileSync(logFile(service.name), 'utf8').split('\n').slice(-20).join('\n')
    : '';
  throw new Error(
    `${service.name} did not become healthy within ${service.timeoutMs / 1000}s. Last log lines:\n${log}`,
  );
}

async function startNative(service) {
  if (await service.healthy()) {
    console.log(
      `  ${service.name.padEnd(10)} already up${ownedPid(service.name) ? '' : ' (not started by this stack; left alone)'}`,
    );
    return;
  }
  for (const port of service.ports) {
    if (await portInUse(port))
      throw new Error(
        `${service.name}: port ${port} is taken by another process and ${service.name} is not answering there. Free the port and retry.`,
      );
  }
  const [bin, args] = service.command();
  const out = openSync(logFile(service.name), 'a');
  const child = spawn(bin, args, {
    cwd: repo,
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, JAEGER_LISTEN_HOST: 'localhost' },
  });
  closeSync(out);
  writeFileSync(pidFile(service.name), String(child.pid));
  child.unref();
  const started = Date.now();
  await waitHealthy(service, child.pid);
  console.log(
    `  ${service.name.padEnd(10)} up (pid ${child.pid}, ${((Date.now() - started) / 1000).toFixed(1)}s, log ${logFile(service.name)})`,
  );
}

async function stopNative(service) {
  const pid = ownedPid(service.name);
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    process.kill(pid, 'SIGTERM');
  }
  for (let i = 0; i < 40 && ownedPid(service.name); i++) await sleep(125);
  if (ownedPid(service.name)) process.kill(-pid, 'SIGKILL');
  rmSync(pidFile(service.name), { force: true });
  console.log(`  ${service.name.padEnd(10)} stopped`);
}

async function up() {
  mkdirSync(stateDir, { recursive: true });
  const allHealthy = (await Promise.all(services.map((s) => s.healthy()))).every(Boolean);
  if (allHealthy) {
    console.log('stack: already up (jaeger :16686, redis :6379, spotlight :8969)');
    return;
  }
  if (dockerEngineAnswers()) {
    console.log('stack: starting with Docker (docker compose up --wait)');
    execFileSync('docker', ['compose', 'up', '-d', '--wait'], { cwd: repo, stdio: 'inherit' });
    writeFileSync(modeFile, 'docker');
    for (const service of services) await waitHealthy(service);
    return;
  }
  console.log('stack: starting natively (no Docker engine answers)');
  writeFileSync(modeFile, 'native');
  for (const service of services) await startNative(service);
  console.log(
    'stack: up — Jaeger UI http://localhost:16686, OTLP http://localhost:4318, Spotlight http://localhost:8969',
  );
}

async function down() {
  if (existsSync(modeFile) && readFileSync(modeFile, 'utf8') === 'docker') {
    execFileSync('docker', ['compose', 'down'], { cwd: repo, stdio: 'inherit' });
  } else {
    for (const service of services) await stopNative(service);
  }
  rmSync(modeFile, { force: true });
  console.log('stack: down');
}

async function status() {
  let allUp = true;
  for (const service of services) {
    const healthy = await service.healthy();
    allUp &&= healthy;
    const pid = ownedPid(service.name);
    console.log(`  ${service.name.padEnd(10)} ${healthy ? 'up  ' : 'down'}${pid ? ` (pid ${pid})` : ''}`);
  }
  process.exitCode = allUp ? 0 : 1;
}

function logs(name) {
  if (existsSync(modeFile) && readFileSync(modeFile, 'utf8') === 'docker') {
    execFileSync('docker', ['compose', 'logs', ...(name ? [name] : [])], { cwd: repo, stdio: 'inherit' });
    return;
  }
  for (const service of services.filter((s) => !name || s.name === name)) {
    if (!existsSync(logFile(service.name))) continue;
    console.log(`==> ${service.name} (${logFile(service.name)})`);
    console.log(readFileSync(logFile(service.name), 'utf8').split('\n').slice(-50).join('\n'));
  }
}

const [command, arg] = process.argv.slice(2);
const commands = { up, down, status, logs: () => logs(arg) };
if (!commands[command]) {
  console.error('usage: pnpm stack up | down | status | logs [jaeger|redis|spotlight]');
  process.exit(2);
}
try {
  await commands[command]();
} catch (error) {
  console.error(`stack ${command}: ${error.message}`);
  process.exit(1);
}
