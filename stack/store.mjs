// What the stack's stores hold, for `pnpm stack status`: bytes on disk and Jaeger's oldest trace.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes a folder takes on disk (allocated blocks, as `du` counts: Badger's files are sparse). */
export function diskUsage(dir) {
  if (!existsSync(dir)) return 0;
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return stat.blocks * 512;
  let total = stat.blocks * 512;
  for (const entry of readdirSync(dir)) total += diskUsage(join(dir, entry));
  return total;
}

/** The same inside a container (`du -sk`, which the images have: stack/images.mjs). */
export function containerDiskUsage(repo, service, path) {
  const out = execFileSync('docker', ['compose', 'exec', '-T', service, 'du', '-sk', path], {
    cwd: repo,
    encoding: 'utf8',
  });
  return Number(out.trim().split(/\s+/)[0]) * 1024;
}

export function formatBytes(bytes) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/**
 * The start time (ms) of the newest trace that started at or before `beforeMs`, or undefined when
 * there is none. Jaeger's search without a service name covers every service, newest first.
 */
async function newestAtOrBefore(queryUrl, beforeMs) {
  const params = new URLSearchParams({
    'query.start_time_min': new Date(0).toISOString(),
    'query.start_time_max': new Date(beforeMs).toISOString(),
    'query.num_traces': '1',
  });
  const res = await fetch(`${queryUrl}/api/v3/traces?${params}`, { signal: AbortSignal.timeout(30_000) });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`Jaeger answered ${res.status} to a trace search: ${await res.text()}`);
  const body = await res.json();
  let start;
  for (const rs of body.result?.resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? [])
      for (const span of ss.spans ?? []) {
        const ms = Number(BigInt(span.startTimeUnixNano) / 1_000_000n);
        if (start === undefined || ms < start) start = ms;
      }
  return start;
}

/**
 * The start time of the oldest trace Jaeger holds (to the minute: no older trace starts more than a
 * minute before it), or undefined when it holds none. Jaeger has no "oldest first" query, so this
 * narrows a window: search back from now in doubling steps until a window is empty, then halve
 * between the empty bound and the oldest start found. Each search returns one whole trace; about 20
 * searches for a week-old store.
 */
export async function oldestTrace(queryUrl, nowMs = Date.now()) {
  let found = await newestAtOrBefore(queryUrl, nowMs + 60_000);
  if (found === undefined) return undefined;
  let empty;
  for (let step = 60_000; empty === undefined; step *= 2) {
    const probe = found - step;
    const older = probe > 0 ? await newestAtOrBefore(queryUrl, probe) : undefined;
    if (older === undefined) empty = Math.max(0, probe);
    else found = older;
  }
  while (found - empty > 60_000) {
    const middle = Math.floor((found + empty) / 2);
    const older = await newestAtOrBefore(queryUrl, middle);
    if (older === undefined) empty = middle;
    else found = older;
  }
  return new Date(found);
}

/** "3 h ago", "2 d ago": how long before `nowMs` a time was. */
export function ago(date, nowMs = Date.now()) {
  const s = Math.max(0, (nowMs - date.getTime()) / 1000);
  if (s < 90) return `${Math.round(s)} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129_600) return `${Math.round(s / 3600)} h ago`;
  return `${(s / 86_400).toFixed(1)} d ago`;
}
