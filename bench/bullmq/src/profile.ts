/**
 * Where the CPU of the end-to-end benchmark goes, per layer and per variant: each variant's run of
 * `bench.ts` (the same `run`) is profiled over its measured window only, and each sample's time is
 * given to the layer whose code ran — @wideline/bullmq, @wideline/core, the OpenTelemetry API, SDK,
 * context manager and OTLP exporter, BullMQ, ioredis, the benchmark's own processor, Node's
 * microtask machinery, the garbage collector. Printed: µs per job of each layer in each variant,
 * and each traced variant's difference from the untraced run, which is what the instrumentation
 * costs and where. Rounds alternate the variants' order and the table sums them.
 *
 * Two profilers: `perf` (the default where `perf record` works) samples each thread's CPU clock
 * (`perf record -e task-clock -g`, see bench-kit's `startPerf`), so its samples add up to the
 * process's CPU time however loaded the machine is, kernel time and V8's helper threads included;
 * `v8` (`BENCH_PROFILER=v8`, V8's inspector profiler) samples wall time, and on a busy machine gives
 * the time the process waited for a core to whatever ran next.
 *
 *   node src/profile.ts                                  # 10 000 jobs per run, 3 rounds, the four variants
 *   BENCH_ONLY=untraced,wideline-no-sdk,wideline-0% node src/profile.ts   # any variants of run.ts
 *   BENCH_TOP=wideline-10% node src/profile.ts           # and that variant's costliest functions
 *   BENCH_PROFILER=v8 BENCH_PROFILE_DIR=/tmp/prof node src/profile.ts     # keep .cpuprofile files
 *
 * The table's "CPU time" row is `process.cpuUsage` over the same window, beside the profile's total.
 * Not a test.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  type CpuProfile,
  groupLayers,
  perfAvailable,
  perfNodeFlags,
  profileLayers,
  startPerf,
} from '@wideline/bench-kit';
import { stopObserving } from './process-stats.ts';
import { run, VARIANTS, type Variant, variantsFrom } from './run.ts';
import { startSink } from './sink.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5000);
const INTERVAL_US = Number(process.env.BENCH_INTERVAL_US ?? 100);
const ONLY = process.env.BENCH_ONLY?.split(',');
const TOP = process.env.BENCH_TOP;
const DIR = process.env.BENCH_PROFILE_DIR;
const PROFILER = process.env.BENCH_PROFILER ?? (perfAvailable().ok ? 'perf' : 'v8');

const classify = groupLayers({
  '@wideline/bullmq': ['@wideline/bullmq'],
  '@wideline/core': ['@wideline/core'],
  'OTel API': ['@opentelemetry/api'],
  'OTel SDK (spans, ids, sampler)': [
    '@opentelemetry/sdk-trace',
    '@opentelemetry/sdk-trace-base',
    '@opentelemetry/core',
    '@opentelemetry/resources',
    '@opentelemetry/semantic-conventions',
  ],
  'OTel context manager (AsyncLocalStorage)': ['@opentelemetry/context-async-hooks'],
  'OTLP/JSON exporter (encode + HTTP)': [
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/otlp-exporter-base',
    '@opentelemetry/otlp-transformer',
  ],
  'bullmq-otel': ['bullmq-otel'],
  BullMQ: ['bullmq', 'msgpackr', 'cron-parser', 'luxon', 'semver', 'tslib', 'uuid', 'node-abort-controller'],
  ioredis: [
    'ioredis',
    '@ioredis/commands',
    'redis-errors',
    'standard-as-callback',
    'denque',
    'cluster-key-slot',
    'debug',
    'lodash.defaults',
    'lodash.isarguments',
  ],
  'benchmark (adds, processor)': ['run.ts', 'bench.ts', 'profile.ts'],
  'Node (event loop, microtasks)': ['node'],
  'V8 helper threads (compiler, GC)': ['thread: V8Worker', 'thread: V8 DefaultWorke'],
  'garbage collector': ['gc'],
  'V8 (program)': ['program'],
});

/** A profiler over one window: start, then the layer times (µs) and function times of the window. */
type Profiler = (
  variant: Variant,
  round: number,
) => {
  onWindow: { open(): Promise<void>; close(): Promise<void> };
  result(): { layers: Map<string, number>; functions: Map<string, number>; busyUs: number };
};

function v8Profiler(session: Session): Profiler {
  return (variant, round) => {
    let profile: CpuProfile | undefined;
    return {
      onWindow: {
        open: async () => void (await session.post('Profiler.start')),
        close: async () => {
          profile = (await session.post('Profiler.stop')).profile as CpuProfile;
        },
      },
      result: () => {
        if (!profile) throw new Error('no profile');
        if (DIR) {
          mkdirSync(DIR, { recursive: true });
          writeFileSync(join(DIR, `${variant}-${round + 1}.cpuprofile`), JSON.stringify(profile));
        }
        return profileLayers(profile, classify);
      },
    };
  };
}

function perfProfiler(): Profiler {
  return () => {
    let window: Awaited<ReturnType<typeof startPerf>> | undefined;
    let layers: Awaited<ReturnType<NonNullable<typeof window>['stop']>> | undefined;
    return {
      onWindow: {
        open: async () => {
          window = await startPerf({ frequency: 4000 });
        },
        close: async () => {
          layers = await window?.stop(classify);
        },
      },
      result: () => {
        if (!layers) throw new Error('no perf samples');
        const flat = new Map([...layers.layers].map(([name, { us }]) => [name, us]));
        return { layers: flat, functions: layers.functions, busyUs: layers.totalUs };
      },
    };
  };
}

interface Totals {
  jobs: number;
  cpuUs: number;
  busyUs: number;
  layers: Map<string, number>;
  functions: Map<string, number>;
}

function add(into: Map<string, number>, from: Map<string, number>): void {
  for (const [key, us] of from) into.set(key, (into.get(key) ?? 0) + us);
}

async function main() {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: INTERVAL_US });
  const profiler = PROFILER === 'perf' ? perfProfiler() : v8Profiler(session);
  const sink = await startSink();
  const variants = variantsFrom(ONLY, VARIANTS);
  // Warm-up: V8 compiles the hot paths of every variant before anything is measured.
  for (const variant of variants) await run(variant, sink, { jobs: WARMUP, workUs: 0 });

  const totals = new Map<Variant, Totals>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 ? [...variants].reverse() : variants) {
      const profiling = profiler(variant, round);
      const result = await run(variant, sink, { jobs: JOBS, workUs: 0, onWindow: profiling.onWindow });
      const { layers, functions, busyUs } = profiling.result();
      const t = totals.get(variant) ?? { jobs: 0, cpuUs: 0, busyUs: 0, layers: new Map(), functions: new Map() };
      t.jobs += JOBS;
      t.cpuUs += result.userUs + result.systemUs;
      t.busyUs += busyUs;
      add(t.layers, layers);
      add(t.functions, functions);
      totals.set(variant, t);
      console.log(`round ${round + 1} ${variant.padEnd(13)} ${result.cpuPerJob.toFixed(1).padStart(6)} µs CPU/job`);
    }
  }
  sink.close();
  stopObserving();
  session.disconnect();
  report(variants, totals);
}

function report(variants: Variant[], totals: Map<Variant, Totals>): void {
  const per = (v: Variant, us: number) => us / (totals.get(v) as Totals).jobs;
  const layerNames = [...new Set(variants.flatMap((v) => [...(totals.get(v) as Totals).layers.keys()]))]
    .filter((l) => l !== 'idle')
    .sort(
      (a, b) =>
        (totals.get(variants.at(-1) as Variant)?.layers.get(b) ?? 0) -
        (totals.get(variants.at(-1) as Variant)?.layers.get(a) ?? 0),
    );
  const traced = variants.filter((v) => v !== 'untraced');
  const base = variants.includes('untraced') ? 'untraced' : undefined;
  const header = ['layer (µs per job)', ...variants, ...(base ? traced.map((v) => `${v} − untraced`) : [])];
  const rows: string[][] = [];
  const row = (name: string, value: (v: Variant) => number) => {
    const cells = variants.map((v) => value(v).toFixed(2));
    const deltas = base ? traced.map((v) => (value(v) - value(base)).toFixed(2)) : [];
    rows.push([name, ...cells, ...deltas]);
  };
  for (const layer of layerNames) row(layer, (v) => per(v, (totals.get(v) as Totals).layers.get(layer) ?? 0));
  row('= busy (profile)', (v) => per(v, (totals.get(v) as Totals).busyUs));
  row('CPU time (process.cpuUsage)', (v) => per(v, (totals.get(v) as Totals).cpuUs));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const how = PROFILER === 'perf' ? 'perf task-clock at 4 kHz' : `V8 profiler every ${INTERVAL_US} µs`;
  console.log(`\n${JOBS} jobs × ${ROUNDS} rounds per variant, profiled with ${how}\n`);
  console.log(fmt(header));
  for (const r of rows) console.log(fmt(r));
  if (TOP && totals.has(TOP as Variant)) top(TOP as Variant, base, totals);
}

/** The variant's costliest functions, with the untraced run's time in the same function. */
function top(variant: Variant, base: Variant | undefined, totals: Map<Variant, Totals>): void {
  const t = totals.get(variant) as Totals;
  const b = base ? totals.get(base) : undefined;
  console.log(`\n${variant}: costliest functions (µs per job; untraced in the same function)`);
  const sorted = [...t.functions].filter(([k]) => !k.startsWith('idle')).sort((x, y) => y[1] - x[1]);
  for (const [key, us] of sorted.slice(0, 40)) {
    const was = b ? (b.functions.get(key) ?? 0) / b.jobs : undefined;
    const [layer, fn] = key.split('\t');
    console.log(
      `  ${(us / t.jobs).toFixed(2).padStart(6)}  ${was === undefined ? '' : was.toFixed(2).padStart(6)}  ${fn}  [${layer}]`,
    );
  }
}

// perf names JavaScript frames only when Node writes its perf map: start again with those flags.
if (PROFILER === 'perf' && !perfNodeFlags.every((flag) => process.execArgv.includes(flag))) {
  const self = spawnSync(process.execPath, [...perfNodeFlags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exitCode = self.status ?? 1;
} else {
  try {
    await main();
  } finally {
    // Node's perf map grows with every compiled function; it is only for this run.
    if (PROFILER === 'perf') rmSync(`/tmp/perf-${process.pid}.map`, { force: true });
  }
}
