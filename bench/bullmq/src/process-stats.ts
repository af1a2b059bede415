/**
 * What this process spent over a window, beyond CPU time: user and system CPU apart, read and write
 * system calls (`/proc/self/io`: socket writes to Redis and to the OTLP receiver are most of
 * them), garbage collection (count and pause time, from `PerformanceObserver`), context switches and
 * event-loop utilisation. These are the figures that tell an instrumentation's direct cost (its own
 * code) from what it makes the host spend (more syscalls, more GC).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';

/** Totals over one window. */
export interface WindowStats {
  wallMs: number;
  userUs: number;
  systemUs: number;
  /** read(2)-family and write(2)-family calls; `undefined` where /proc/self/io is unreadable. */
  syscallsRead: number | undefined;
  syscallsWrite: number | undefined;
  gcCount: number;
  gcMs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
  /** Event-loop utilisation, 0..1: the share of wall time the loop was busy. */
  elu: number;
}

function ioCounters(): { syscr: number; syscw: number } | undefined {
  try {
    const text = readFileSync('/proc/self/io', 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1]);
    return { syscr: field('syscr'), syscw: field('syscw') };
  } catch {
    return undefined;
  }
}

let gcCount = 0;
let gcMs = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcCount += 1;
    gcMs += entry.duration;
  }
});
observer.observe({ entryTypes: ['gc'] });

/** Starts a window; the function it returns ends it and gives its totals. */
export function startWindow(): () => WindowStats {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const io = ioCounters();
  const usage = process.resourceUsage();
  const elu = performance.eventLoopUtilization();
  const gc = { count: gcCount, ms: gcMs };
  return () => {
    const spent = process.cpuUsage(cpu);
    const ioAfter = ioCounters();
    const usageAfter = process.resourceUsage();
    return {
      wallMs: performance.now() - wall,
      userUs: spent.user,
      systemUs: spent.system,
      syscallsRead: io && ioAfter ? ioAfter.syscr - io.syscr : undefined,
      syscallsWrite: io && ioAfter ? ioAfter.syscw - io.syscw : undefined,
      gcCount: gcCount - gc.count,
      gcMs: gcMs - gc.ms,
      voluntarySwitches: usageAfter.voluntaryContextSwitches - usage.voluntaryContextSwitches,
      involuntarySwitches: usageAfter.involuntaryContextSwitches - usage.involuntaryContextSwitches,
      elu: performance.eventLoopUtilization(elu).utilization,
    };
  };
}

/** Stops observing GC, so the process can exit. */
export function stopObserving(): void {
  observer.disconnect();
}
