// Native processes of the stack: pid files, start detached with a log, stop, kill. Only processes
// whose pid file this stack wrote are ever signalled.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './health.mjs';

/** The path of `command` on the PATH of `env`, or undefined. */
export function which(command, env = process.env) {
  const found = spawnSync('sh', ['-c', 'command -v "$0"', command], { encoding: 'utf8', env });
  return found.stdout.trim() || undefined;
}

export const pidFile = (dir, name) => join(dir, `${name}.pid`);
export const logFile = (dir, name) => join(dir, `${name}.log`);

/** Fields 3… of /proc/<pid>/stat (Linux): [state, …, starttime at 19]; undefined without /proc. */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** When the process started, to tell it from a later process that got its pid. */
const startTime = (pid) => procStat(pid)?.[19];

/**
 * The pid of the service this stack started, while that process is alive. A pid file whose process
 * is gone — or whose pid now belongs to another process — is removed, so nothing else is signalled.
 */
export function ownedPid(dir, name) {
  if (!existsSync(pidFile(dir, name))) return undefined;
  const [pid, started] = readFileSync(pidFile(dir, name), 'utf8').trim().split(' ');
  const alive = (() => {
    try {
      process.kill(Number(pid), 0);
      const stat = procStat(pid);
      if (stat === undefined) return true;
      return stat[0] !== 'Z' && (started === undefined || stat[19] === started);
    } catch {
      return false;
    }
  })();
  if (alive) return Number(pid);
  rmSync(pidFile(dir, name), { force: true });
  return undefined;
}

/** Starts `bin args` in its own process group, output appended to the service's log. */
export function startDetached(dir, name, bin, args, options) {
  const out = openSync(logFile(dir, name), 'a');
  const child = spawn(bin, args, { ...options, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  writeFileSync(pidFile(dir, name), `${child.pid} ${startTime(child.pid) ?? ''}`.trim());
  child.unref();
  return child.pid;
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM (SIGKILL after 5 s); true when there was something to stop. */
export async function stopOwned(dir, name) {
  const pid = ownedPid(dir, name);
  if (!pid) return false;
  signalGroup(pid, 'SIGTERM');
  for (let i = 0; i < 40 && ownedPid(dir, name); i++) await sleep(125);
  if (ownedPid(dir, name)) signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 40 && ownedPid(dir, name); i++) await sleep(125);
  rmSync(pidFile(dir, name), { force: true });
  return true;
}

/** SIGKILL, no chance to flush or clean up (a crash); true when there was something to kill. */
export async function killOwned(dir, name) {
  const pid = ownedPid(dir, name);
  if (!pid) return false;
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 80 && ownedPid(dir, name); i++) await sleep(50);
  rmSync(pidFile(dir, name), { force: true });
  return true;
}

/**
 * SIGSTOP (`pause`) or SIGCONT (`resume`) to an owned service: a process that holds its ports and
 * connections but answers nothing, the way a hung one does. True when there was something to signal.
 */
export function freezeOwned(dir, name, pause) {
  const pid = ownedPid(dir, name);
  if (!pid) return false;
  signalGroup(pid, pause ? 'SIGSTOP' : 'SIGCONT');
  return true;
}

/** The last `lines` lines of the service's log. */
export function logTail(dir, name, lines = 20) {
  const file = logFile(dir, name);
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';
}
