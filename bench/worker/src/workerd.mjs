/**
 * What the workerd parts of the Worker benchmark share (bench.mjs, profile.mjs): the local
 * downstream and OTLP receivers, `wrangler dev` per variant with the workerd processes under it,
 * their CPU time from /proc, and the looped request that runs the handler n times in the isolate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startWranglerDev } from '@wideline/testkit';

export const WORKERS = fileURLToPath(new URL('../workers/', import.meta.url));
export const WRANGLER = fileURLToPath(new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url));
export const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

export async function startReceivers() {
  const exports = { wideline: 0, otelcf: 0, other: 0 };
  const downstream = createServer((_req, res) => res.end('ok'));
  const otlp = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (body.includes('bench-wideline')) exports.wideline++;
      else if (body.includes('bench-otel-cf-workers')) exports.otelcf++;
      else exports.other++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return {
    downstreamUrl: `http://127.0.0.1:${await listen(downstream)}`,
    otlpUrl: `http://127.0.0.1:${await listen(otlp)}`,
    exports,
    close: () => {
      downstream.closeAllConnections();
      otlp.closeAllConnections();
      downstream.close();
      otlp.close();
    },
  };
}

function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push({ pid: Number(entry), comm });
    } catch {
      // The process went away while we looked.
    }
  }
  const found = [];
  const walk = (p) => {
    for (const child of children.get(p) ?? []) {
      found.push(child);
      walk(child.pid);
    }
  };
  walk(pid);
  return found;
}

export function cpuTicks(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
  }
  return ticks;
}

export async function startWorker(process_, vars) {
  const variant = process_ === 'bare2' ? 'bare' : process_;
  const worker = await startWranglerDev({
    wrangler: WRANGLER,
    cwd: WORKERS,
    config: `wrangler.${variant}.jsonc`,
    vars,
    persistPrefix: '/tmp/wideline-bench-worker-',
  });
  // wrangler dev runs two workerd processes (its proxy in front, and the runtime with the Worker);
  // both are counted, since both work for each request.
  const workerdPids = descendants(worker.pid)
    .filter((p) => p.comm === 'workerd')
    .map((p) => p.pid);
  if (workerdPids.length === 0) throw new Error(`no workerd process under wrangler for ${variant}`);
  return { variant: process_, url: worker.url, inspectorPort: worker.inspectorPort, workerdPids, stop: worker.stop };
}

/** One incoming request that runs the wrapped handler `n` times inside the isolate. */
export async function invocations(url, n) {
  const response = await fetch(`${url}/?n=${n}`);
  const text = await response.text();
  if (text !== 'ok,ok,ok') throw new Error(`unexpected answer ${response.status}: ${text}`);
}
