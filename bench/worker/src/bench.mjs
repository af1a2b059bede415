/**
 * Worker benchmark: CPU time per invocation of the same handler (three subrequests) bare, with
 * @wideline/worker and with @microlabs/otel-cf-workers, each exporting to the same local OTLP
 * receiver; and the bundle size of a hello-world Worker with each.
 *
 * workerd (the figure that counts): each variant runs under its own `wrangler dev`; one incoming
 * request runs the wrapped handler 200 times inside the isolate (workers/loop.js), so the runtime's
 * own handling of the incoming request (~1 ms of CPU, and most of the round-to-round noise) is
 * amortised. CPU is read from /proc (user + system) for both workerd processes wrangler runs — its
 * proxy and the runtime with the Worker — since inside a Worker timers do not advance during
 * execution and the runtime cannot time itself. Everything counts: the handler, the real
 * subrequests, span creation and export; the bare run's figure is subtracted.
 *
 * Node (a cross-check): the same handler in one child process per variant, the wrapped `fetch`
 * handler called directly and timed with `process.cpuUsage()`. Node's web streams and undici cost
 * more than workerd's native ones, and Node has no native IdentityTransformStream.
 *
 * Both parts interleave: each round runs every variant once (order rotated per round), and a
 * variant's overhead is the median over rounds of its CPU minus the bare run's in the same round,
 * which cancels most of the load drift of a shared machine; a second bare process shows the noise.
 *
 * Not a test; it prints figures and ratios and never fails on a number. Every round's figures, the
 * overheads and the Wideline / otel-cf-workers ratios, and the bundle sizes go to
 * bench/results/worker.json (`pnpm bench --compare`).
 */
import { execFile, execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { BenchResults } from '@wideline/bench-kit';
import { build } from 'esbuild';
import { cpuTicks, invocations, startReceivers, startWorker, TICKS_PER_SECOND, WORKERS, WRANGLER } from './workerd.mjs';

const execFileAsync = promisify(execFile);

const VARIANTS = ['bare', 'wideline', 'otelcf'];
// A second bare process measures the noise floor: how far two identical processes differ; Wideline
// with a discarding exporter shows how much of its overhead is the export itself.
// BENCH_PROCESSES=bare,wideline-noexport runs a subset (for quick before/after iterations).
// `before` is @wideline/worker and core as they were at BENCH_BEFORE (a commit),
// in the same run: a paired before/after, e.g. BENCH_BEFORE=main BENCH_PROCESSES=bare,wideline,before,otelcf.
// `after` is the same for BENCH_AFTER (a commit), so that the sources can change while it runs.
const PROCESSES = process.env.BENCH_PROCESSES?.split(',') ?? [
  'bare',
  'bare2',
  'wideline',
  'otelcf',
  'wideline-noexport',
];
const NODE_PROCESSES = PROCESSES;
// The processes built from a commit's sources (BENCH_BEFORE, BENCH_AFTER), in workerd and in Node.
const COMMITS = ['before', 'after'].filter((name) => PROCESSES.includes(name));
const LABEL = {
  bare: 'bare',
  bare2: 'bare (second process)',
  wideline: '@wideline/worker',
  otelcf: '@microlabs/otel-cf-workers',
  'wideline-noexport': '@wideline/worker, no export',
  before: `@wideline/worker at ${process.env.BENCH_BEFORE}`,
  after: `@wideline/worker at ${process.env.BENCH_AFTER}`,
  floor: 'floor (OTel API + SDK + OTLP)',
  core: '@wideline/core pipeline',
};
// BENCH_STUB_FETCH=1 (workerd): the handler's subrequests are answered inside the isolate by a stub
// (workers/loop.js), so the runtime's fetch and the downstream server add neither CPU nor noise and a
// paired before/after resolves smaller differences; the export still goes out for real.
// BENCH_ONLY=node skips the workerd part, BENCH_ONLY=workerd the Node part, BENCH_ONLY=size both.
const ONLY = process.env.BENCH_ONLY;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
// Per round and variant in workerd: LOOPS incoming requests, each running the handler INVOCATIONS
// times inside the isolate (workers/loop.js), so the runtime's own HTTP handling is amortised.
const LOOPS = Number(process.env.BENCH_LOOPS ?? 5);
const INVOCATIONS = Number(process.env.BENCH_INVOCATIONS ?? 200);
// One request at a time: with more in flight, event-loop batching differs between variants whose
// latencies differ, and that shows up as CPU time.
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);
const NODE_ROUNDS = Number(process.env.BENCH_NODE_ROUNDS ?? 21);
const NODE_REQUESTS = Number(process.env.BENCH_NODE_REQUESTS ?? 200);

// Bundle sizes also for the floor (the OpenTelemetry API and SDK, an OTLP/JSON encoder and fetch:
// what any OpenTelemetry Worker ships) and for core's pipeline alone, so the table shows each layer.
const SIZE_VARIANTS = ['bare', 'floor', 'core', 'wideline', 'otelcf'];
// Each hello-world Worker is built by the installed wrangler itself (`wrangler deploy --dry-run
// --outdir`, with `minify: true`), so its esbuild options are wrangler's: target, `keep_names`
// (on by default) and the conditions `workerd, worker, browser`. Those are set through
// WRANGLER_BUILD_CONDITIONS only to add the workspace's source condition (which no published package
// has), and then `module`, which picks the ES build of packages whose exports map keys it on that
// (@opentelemetry/api 1.9); `keep_names: false` is the other setting a user can change.
const WRANGLER_CONDITIONS = ['workerd', 'worker', 'browser', '@wideline/source'];
const SIZE_SETTINGS = {
  gzip: { conditions: WRANGLER_CONDITIONS },
  gzipNoKeepNames: { conditions: WRANGLER_CONDITIONS, keepNames: false },
  gzipModule: { conditions: [...WRANGLER_CONDITIONS, 'module'] },
  gzipModuleNoKeepNames: { conditions: [...WRANGLER_CONDITIONS, 'module'], keepNames: false },
};

async function bundleSizes() {
  const sizes = {};
  for (const variant of SIZE_VARIANTS) {
    sizes[variant] = {};
    for (const [setting, options] of Object.entries(SIZE_SETTINGS)) {
      const { minified, gzip, modules } = await bundleSize(variant, options);
      if (setting === 'gzip') Object.assign(sizes[variant], { minified, modules });
      sizes[variant][setting] = gzip;
    }
  }
  return sizes;
}

async function bundleSize(variant, { conditions, keepNames }) {
  const dir = mkdtempSync(join(tmpdir(), 'wideline-bench-size-'));
  try {
    const config = {
      name: `hello-${variant}`,
      main: `${WORKERS}hello-${variant}.js`,
      compatibility_date: '2026-08-01',
      compatibility_flags: ['nodejs_compat'],
      minify: true,
      ...(keepNames === false ? { keep_names: false } : {}),
    };
    writeFileSync(join(dir, 'wrangler.json'), JSON.stringify(config));
    await execFileAsync(
      process.execPath,
      [WRANGLER, 'deploy', '--dry-run', '--outdir', 'out', '--metafile', 'meta.json'],
      {
        cwd: dir,
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_BUILD_CONDITIONS: conditions.join(',') },
      },
    );
    const code = readFileSync(join(dir, 'out', `hello-${variant}.js`));
    return { minified: code.length, gzip: gzipSync(code).length, modules: moduleBytes(join(dir, 'meta.json')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Minified bytes per workspace source module in a build's esbuild metafile (`packages/<pkg>/src/…`). */
function moduleBytes(metafile) {
  const modules = {};
  for (const output of Object.values(JSON.parse(readFileSync(metafile, 'utf8')).outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const source = input.match(/packages\/[^/]+\/src\/.+$/)?.[0];
      if (source && bytesInOutput > 0) modules[source] = (modules[source] ?? 0) + bytesInOutput;
    }
  }
  return modules;
}

/**
 * The `before` (or `after`) process: the bench's Wideline Worker with `@wideline/worker` and
 * `@wideline/core` aliased to their sources at `commit` (extracted with `git archive`, resolving
 * their dependencies through the workspace's own node_modules), written as workers/wrangler.<name>.jsonc;
 * returns the aliases, which the Node part's build uses too.
 */
function prepareCommit(name, commit) {
  if (!commit) throw new Error(`the ${name} process needs BENCH_${name.toUpperCase()}=<commit>, e.g. main`);
  const repo = fileURLToPath(new URL('../../../', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), `wideline-bench-${name}-`));
  for (const pkg of ['core', 'worker']) {
    execFileSync('sh', ['-c', `git -C "${repo}" archive "${commit}" packages/${pkg}/src | tar -x -C "${dir}"`]);
    symlinkSync(join(repo, 'packages', pkg, 'node_modules'), join(dir, 'packages', pkg, 'node_modules'));
  }
  const src = (pkg, file) => join(dir, 'packages', pkg, 'src', file);
  const config = JSON.parse(readFileSync(`${WORKERS}wrangler.wideline.jsonc`, 'utf8'));
  config.alias = {
    '@wideline/worker': src('worker', 'index.ts'),
    '@wideline/core': src('core', 'index.ts'),
    '@wideline/core/sdk': src('core', 'sdk.ts'),
    '@wideline/core/conventions': src('core', 'conventions.ts'),
  };
  writeFileSync(`${WORKERS}wrangler.${name}.jsonc`, JSON.stringify(config, null, 2));
  return config.alias;
}

async function load(url, count) {
  let next = 0;
  const latencies = [];
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) {
      next++;
      const started = performance.now();
      const response = await fetch(url);
      const text = await response.text();
      if (text !== 'ok,ok,ok') throw new Error(`unexpected answer ${response.status}: ${text}`);
      latencies.push(performance.now() - started);
    }
  });
  await Promise.all(workers);
  latencies.sort((a, b) => a - b);
  return latencies[Math.floor(latencies.length / 2)];
}

/** Each round runs every process once, in an order rotated per round so none always goes first. */
function rotated(list, round) {
  const k = round % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

function ask(child, message) {
  return new Promise((resolve, reject) => {
    const exited = (code) => reject(new Error(`node runner exited with ${code}`));
    child.once('exit', exited);
    child.once('message', (answer) => {
      child.off('exit', exited);
      resolve(answer);
    });
    child.send(message);
  });
}

/**
 * Bundles each variant for Node and runs it in its own long-lived process (each library patches
 * global fetch); the parent drives interleaved rounds, so the variants share the machine's load.
 */
async function nodeCpu(receivers, aliases) {
  const out = '/tmp/wideline-bench-worker-node';
  const builds = [...VARIANTS, 'wideline-noexport', ...COMMITS];
  for (const name of builds) {
    await build({
      entryPoints: [`${WORKERS}${COMMITS.includes(name) ? 'wideline' : name}.js`],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: `${out}/${name}.mjs`,
      conditions: ['@wideline/source'],
      logLevel: 'error',
      ...(aliases[name] ? { alias: aliases[name] } : {}),
      // Bundled CommonJS dependencies call require(); give the ESM bundle one.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
  }
  const runner = fileURLToPath(new URL('./node-run.mjs', import.meta.url));
  const children = {};
  try {
    for (const name of NODE_PROCESSES) {
      const variant = name === 'bare2' ? 'bare' : name;
      const mode = variant === 'otelcf' ? 'sequential' : 'overlap';
      const child = fork(runner, [`${out}/${variant}.mjs`, receivers.downstreamUrl, receivers.otlpUrl, mode], {
        execArgv: ['--no-warnings'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      await new Promise((resolve) => child.once('message', resolve)); // ready
      children[name] = child;
    }
    const results = Object.fromEntries(NODE_PROCESSES.map((v) => [v, []]));
    for (const name of NODE_PROCESSES) await ask(children[name], { requests: 0, warmup: 300 });
    for (let round = 0; round < NODE_ROUNDS; round++) {
      for (const name of rotated(NODE_PROCESSES, round)) {
        const { cpuUsPerRequest } = await ask(children[name], { requests: NODE_REQUESTS });
        results[name].push(cpuUsPerRequest);
      }
    }
    return results;
  } finally {
    for (const child of Object.values(children)) child.kill();
  }
}

/**
 * The overhead of `variant` over `base`, paired by round: round r of one minus round r of the other
 * (run back to back), then the median. Pairing cancels the load drift that separate medians keep.
 */
function pairedOverhead(cpu, variant, base = 'bare') {
  return median(cpu[variant].map((x, i) => x - cpu[base][i]));
}

/** The spread of paired differences: 25th and 75th percentiles. */
function quartiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[Math.floor(sorted.length / 4)], sorted[Math.floor((3 * sorted.length) / 4)]];
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Prints each process's median CPU and paired overhead over bare, the noise floor (bare vs the
 * identical second bare process) and the Wideline / otel-cf-workers overhead ratio, for whichever of
 * them ran.
 */
function report(where, cpu, wall) {
  const ran = (v) => cpu[v] !== undefined && cpu[v].length > 0;
  for (const v of PROCESSES) {
    const extra = v === 'bare' || !ran('bare') ? '' : `  overhead ${pairedOverhead(cpu, v).toFixed(0)} µs`;
    const latency = wall ? `  median latency ${median(wall[v]).toFixed(2)} ms` : '';
    console.log(
      `  ${(LABEL[v] ?? v).padEnd(28)} ${median(cpu[v]).toFixed(0).padStart(6)} µs CPU  (quartiles ${quartiles(cpu[v])
        .map((x) => x.toFixed(0))
        .join('..')})${latency}${extra}`,
    );
  }
  if (ran('bare') && ran('bare2')) {
    const floor = cpu.bare.map((x, i) => cpu.bare2[i] - x);
    const [q1, q3] = quartiles(floor);
    console.log(
      `\n  noise: bare vs identical bare, paired: median ${median(floor).toFixed(0)} µs, quartiles ${q1.toFixed(0)}..${q3.toFixed(0)}, worst ${Math.max(...floor.map(Math.abs)).toFixed(0)} µs`,
    );
  }
  const after = ran('after') ? 'after' : 'wideline';
  if (ran(after) && ran('before')) {
    const diff = cpu[after].map((x, i) => x - cpu.before[i]);
    const [d1, d3] = quartiles(diff);
    console.log(
      `  paired ${LABEL[after]} − before (${process.env.BENCH_BEFORE}), per round: median ${median(diff).toFixed(0)} µs, quartiles ${d1.toFixed(0)}..${d3.toFixed(0)}`,
    );
  }
  if (ran('bare') && ran('wideline') && ran('otelcf')) {
    const ratio = pairedOverhead(cpu, 'wideline') / pairedOverhead(cpu, 'otelcf');
    const perRound = cpu.wideline.map((x, i) => (x - cpu.bare[i]) / (cpu.otelcf[i] - cpu.bare[i]));
    const [r1, r3] = quartiles(perRound);
    console.log(
      `  overhead ratio wideline / otel-cf-workers (${where}): ${ratio.toFixed(2)} (issue 14: ≤ 0.33 in workerd, ≤ 0.45 in Node); per-round ratio quartiles ${r1.toFixed(2)}..${r3.toFixed(2)}`,
    );
  }
}

/**
 * Records each round: CPU per invocation of every process, its overhead over the round's bare run,
 * and the round's Wideline / otel-cf-workers overhead ratio.
 */
function record(results, runtime, cpu, wall) {
  const rounds = cpu.bare?.length ?? 0;
  for (const [variant, values] of Object.entries(cpu)) {
    for (const [i, value] of values.entries()) {
      results.add({ metric: 'cpu_per_invocation', variant, runtime, value, unit: 'µs', kind: 'latency' });
      if (wall)
        results.add({
          metric: 'latency_median',
          variant,
          runtime,
          value: wall[variant][i],
          unit: 'ms',
          kind: 'latency',
        });
      if (variant.startsWith('bare') || i >= rounds) continue;
      const overhead = value - cpu.bare[i];
      results.add({ metric: 'cpu_overhead', variant, runtime, value: overhead, unit: 'µs', kind: 'latency' });
    }
  }
  if (!cpu.wideline?.length || !cpu.otelcf?.length || rounds === 0) return;
  for (let i = 0; i < rounds; i++) {
    const value = (cpu.wideline[i] - cpu.bare[i]) / (cpu.otelcf[i] - cpu.bare[i]);
    results.add({ metric: 'cpu_overhead', variant: 'wideline / otelcf', runtime, value, unit: '×', kind: 'latency' });
  }
}

async function main() {
  const results = new BenchResults('worker', {
    params: {
      rounds: ROUNDS,
      loops: LOOPS,
      invocations: INVOCATIONS,
      nodeRounds: NODE_ROUNDS,
      nodeRequests: NODE_REQUESTS,
      processes: PROCESSES.join(','),
      only: ONLY ?? 'all',
    },
  });
  // Twenty wrangler builds (five Workers, four settings): only when sizes are asked for.
  const sizes = ONLY === undefined || ONLY === 'size' ? await bundleSizes() : undefined;
  const receivers = await startReceivers();
  const running = [];
  try {
    const aliases = Object.fromEntries(
      COMMITS.map((name) => [name, prepareCommit(name, process.env[`BENCH_${name.toUpperCase()}`])]),
    );
    if (ONLY !== 'node' && ONLY !== 'size') {
      for (const variant of PROCESSES) {
        running.push(
          await startWorker(variant, {
            DOWNSTREAM_URL: receivers.downstreamUrl,
            OTLP_URL: receivers.otlpUrl,
            STUB_FETCH: process.env.BENCH_STUB_FETCH ?? '',
          }),
        );
      }
      const cpu = Object.fromEntries(PROCESSES.map((v) => [v, []]));
      const wall = Object.fromEntries(PROCESSES.map((v) => [v, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const worker of rotated(running, round)) {
          wall[worker.variant].push(await load(worker.url, 50)); // plain requests: warm-up and latency
          await invocations(worker.url, 20); // warm-up of the looped path
          const before = cpuTicks(worker.workerdPids);
          for (let i = 0; i < LOOPS; i++) await invocations(worker.url, INVOCATIONS);
          const ticks = cpuTicks(worker.workerdPids) - before;
          cpu[worker.variant].push(((ticks / TICKS_PER_SECOND) * 1e6) / (LOOPS * INVOCATIONS));
        }
      }
      console.log(
        `\nCPU time per invocation in workerd (wrangler dev), ${ROUNDS} interleaved rounds × ${LOOPS} requests × ${INVOCATIONS} invocations inside the isolate`,
      );
      console.log('handler: three sequential subrequests to a local server; spans exported to a local OTLP receiver');
      console.log('overhead = median over rounds of (variant − bare) in the same round\n');
      report('workerd', cpu, wall);
      record(results, 'workerd', cpu, wall);
      console.log(
        `  export requests received: wideline ${receivers.exports.wideline}, otel-cf-workers ${receivers.exports.otelcf}`,
      );

      await Promise.all(running.map((worker) => worker.stop()));
      running.length = 0;
    }
    if (ONLY !== 'workerd' && ONLY !== 'size') {
      const node = await nodeCpu(receivers, aliases);
      console.log(
        `\nCPU time per request in Node (same handler, wrapped handler called directly, ${NODE_ROUNDS} interleaved rounds × ${NODE_REQUESTS}, process.cpuUsage)\n`,
      );
      report('Node', node);
      record(results, 'node', node);
    }

    if (sizes) {
      console.log(
        '\nBundle size of a hello-world Worker (built by wrangler deploy --dry-run, minify: true; KB = 1024 bytes)\n',
      );
      const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(6);
      console.log(
        `  ${''.padEnd(28)} ${'min'.padStart(6)}  ${'gzip'.padStart(6)}  no keep_names  module  module, no keep_names`,
      );
      for (const v of SIZE_VARIANTS) {
        const s = sizes[v];
        console.log(
          `  ${LABEL[v].padEnd(28)} ${kb(s.minified)}  ${kb(s.gzip)}  ${kb(s.gzipNoKeepNames).padStart(13)}  ${kb(s.gzipModule)}  ${kb(s.gzipModuleNoKeepNames).padStart(21)}`,
        );
      }
      // What the Worker layer adds over core's pipeline, per module (minified, at wrangler's defaults).
      const added = Object.entries(sizes.wideline.modules)
        .map(([source, bytes]) => [source, bytes - (sizes.core.modules[source] ?? 0)])
        .filter(([, bytes]) => bytes > 0)
        .sort((a, b) => b[1] - a[1]);
      console.log("\n  @wideline/worker over core's pipeline, minified bytes per module (esbuild metafile):");
      for (const [source, bytes] of added) console.log(`  ${String(bytes).padStart(8)}  ${source}`);
      console.log(`  ${String(added.reduce((sum, [, bytes]) => sum + bytes, 0)).padStart(8)}  in all`);
      console.log(
        `\n  gzip ratio wideline / otel-cf-workers: ${(sizes.wideline.gzip / sizes.otelcf.gzip).toFixed(2)} (issue 14: wideline ≤ 22 KB at wrangler's defaults)`,
      );
      const metric = {
        gzip: 'bundle_gzip',
        gzipNoKeepNames: 'bundle_gzip_no_keep_names',
        gzipModule: 'bundle_gzip_module_condition',
        gzipModuleNoKeepNames: 'bundle_gzip_module_condition_no_keep_names',
      };
      for (const [variant, size] of Object.entries(sizes)) {
        results.add({
          metric: 'bundle_min',
          variant,
          runtime: 'workerd',
          value: size.minified,
          unit: 'B',
          kind: 'latency',
        });
        for (const [setting, name] of Object.entries(metric)) {
          results.add({ metric: name, variant, runtime: 'workerd', value: size[setting], unit: 'B', kind: 'latency' });
        }
      }
      const ratio = sizes.wideline.gzip / sizes.otelcf.gzip;
      results.add({
        metric: 'bundle_gzip',
        variant: 'wideline / otelcf',
        runtime: 'workerd',
        value: ratio,
        unit: '×',
        kind: 'latency',
      });
    }
    results.write();
  } finally {
    await Promise.all(running.map((worker) => worker.stop()));
    receivers.close();
  }
}

await main();
