/**
 * Where the CPU time of a Node process went, by layer, from Linux `perf` samples of its CPU clock
 * (`perf record -e task-clock -g` of a process run with `node --perf-basic-prof`). Unlike V8's own
 * profiler, which samples wall time and gives the time a busy machine keeps the process waiting to
 * whatever runs next, `task-clock` advances only while a thread runs, so the samples add up to
 * `process.cpuUsage()`: every thread (V8's compiler and GC helpers too), kernel time included.
 *
 * A sample goes to the garbage collector when any frame of its stack is V8's collector; otherwise to
 * the package of the innermost JavaScript frame that belongs to one (`node_modules/<package>/…`, or
 * `packages/<name>/…` as `@wideline/<name>`, see {@link packageOf}), so a socket write's kernel time
 * counts for ioredis and `JSON.stringify` for its caller; stacks with no such frame go to `node`
 * (microtask and timer machinery, the event loop) on the main thread, and to the thread's name on
 * the others (V8's compiler threads, libuv's pool).
 *
 * @example
 * const { layers } = perfLayers(execFileSync('perf', ['script', '-i', file], { encoding: 'utf8' }));
 * @module
 */
import { packageOf } from './profile-layers.ts';

/** CPU time per layer (µs), with the part spent in the kernel. */
export interface PerfLayer {
  us: number;
  kernelUs: number;
}

/** A `perf script` text, attributed. */
export interface PerfLayers {
  layers: Map<string, PerfLayer>;
  /** `<layer>\t<innermost JavaScript function>` → µs. */
  functions: Map<string, number>;
  totalUs: number;
  samples: number;
}

const GC_RE =
  /v8::internal::(Heap::|Scavenger|MarkCompact|MinorMS|MinorMarkSweep|ConcurrentMarking|Sweeper|ScavengerCollector|IncrementalMarking|MemoryAllocator|GCTracer)/;
// `JS:<tier>name url:line:col` (perf map entries Node writes); the tier is one of ~ ^ + * '.
const JS_RE = /^JS:[~^+*']?(.*?) (\S+):(\d+):\d+$/;

interface Frame {
  symbol: string;
  kernel: boolean;
}

function parseFrame(line: string): Frame | undefined {
  // "\t    7f50c4004c9c JS:*startSpan file:///…/Tracer.js:42:14+0x8dc (/tmp/perf-1.map)"
  const match = /^\s*[0-9a-f]+ (.*) \((.*)\)$/.exec(line);
  if (!match) return undefined;
  const symbol = (match[1] as string).replace(/\+0x[0-9a-f]+$/, '');
  return { symbol, kernel: match[2] === '[kernel.kallsyms]' };
}

/** The layer and the function of one stack (innermost frame first). */
function attribute(
  frames: readonly Frame[],
  thread: string,
  main: readonly string[],
  classify: (pkg: string) => string,
) {
  if (frames.some((f) => GC_RE.test(f.symbol))) return { layer: classify('gc'), fn: '(garbage collector)' };
  for (const frame of frames) {
    const js = JS_RE.exec(frame.symbol);
    if (!js) continue;
    const pkg = packageOf(js[2] as string);
    if (pkg === undefined) continue;
    const file = (js[2] as string).slice((js[2] as string).lastIndexOf('/') + 1);
    return { layer: classify(pkg), fn: `${js[1] || '(anonymous)'} ${file}:${js[3]}` };
  }
  const innermost = frames.find((f) => !f.kernel)?.symbol ?? '(kernel)';
  return main.includes(thread)
    ? { layer: classify('node'), fn: innermost }
    : { layer: classify(`thread: ${thread}`), fn: innermost };
}

/**
 * Attributes `perf script` output (default fields, with call chains). `main` is the main thread's
 * name as perf shows it: `node` for a process perf started, `MainThread` once Node has named its
 * threads (a process perf attached to).
 */
export function perfLayers(
  text: string,
  classify: (pkg: string) => string = (p) => p,
  main: readonly string[] = ['node', 'MainThread'],
): PerfLayers {
  const layers = new Map<string, PerfLayer>();
  const functions = new Map<string, number>();
  let totalUs = 0;
  let samples = 0;
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    // "node 17025 10489.308478:    1001001 task-clock: " (thread names may contain spaces)
    const header = /^(.*?)\s+\d+(?:\/\d+)?\s+(?:\[\d+\]\s+)?[\d.]+:\s+(\d+)\s+\S+:/.exec(lines[0] ?? '');
    if (!header) continue;
    const thread = (header[1] as string).trim();
    const us = Number(header[2]) / 1000;
    const frames = lines.slice(1).flatMap((l) => parseFrame(l) ?? []);
    const { layer, fn } = attribute(frames, thread, main, classify);
    const entry = layers.get(layer) ?? { us: 0, kernelUs: 0 };
    entry.us += us;
    if (frames[0]?.kernel) entry.kernelUs += us;
    layers.set(layer, entry);
    const key = `${layer}\t${fn}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    totalUs += us;
    samples += 1;
  }
  return { layers, functions, totalUs, samples };
}
