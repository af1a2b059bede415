/**
 * Memory of a process and its descendants (wrangler runs workerd as its child), read from `/proc`:
 * what the fault suite samples to show that each process stays bounded under a burst.
 */
import { readFileSync } from 'node:fs';

function statusField(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0; // gone
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)) {
      if (task) out.push(Number(task));
    }
  } catch {
    // gone, or no children file
  }
  return out;
}

/** The pid and every descendant's. */
export function processTree(pid: number): number[] {
  const all: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const next = stack.pop() as number;
    all.push(next);
    stack.push(...childrenOf(next));
  }
  return all;
}

/** Resident set size of the tree, bytes. */
export function treeRss(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + statusField(p, 'VmRSS'), 0);
}

/** Samples {@link treeRss} of each named pid every `everyMs` until stopped; keeps the first and the peak. */
export function sampleMemory(pids: Record<string, number>, everyMs = 250) {
  const first: Record<string, number> = {};
  const peak: Record<string, number> = {};
  const take = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const rss = treeRss(pid);
      first[name] ??= rss;
      peak[name] = Math.max(peak[name] ?? 0, rss);
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop(): { first: Record<string, number>; peak: Record<string, number> } {
      clearInterval(timer);
      take();
      return { first, peak };
    },
  };
}
