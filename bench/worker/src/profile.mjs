/**
 * Where the CPU of one traced invocation goes in workerd, by layer — not part of `pnpm bench`; run
 * it when the overhead moves: `pnpm --filter @wideline/bench-worker profile`.
 *
 * For each variant (bare and @wideline/worker by default; PROFILE_VARIANTS=bare,wideline,otelcf),
 * `wrangler dev` runs the benchmark's looped handler (workers/loop.js: the same three subrequests)
 * while the V8 profiler of the Worker's isolate samples through wrangler's inspector proxy (the
 * `ws` client: Node's built-in WebSocket hangs on it). wrangler bundles the Worker into one script;
 * esbuild's `// <path>` line before each module says which package a sampled line belongs to, so
 * each sample's self time goes to a layer: the OpenTelemetry API, the OpenTelemetry SDK
 * (sdk-trace-base and what it pulls: sdk-trace, core, resources), @wideline/core, @wideline/worker,
 * the bench's own handler, and — for natives and the runtime's JavaScript, which have no module —
 * whatever layer called them (a `fetch` made by the exporter counts as export). GC and V8's own
 * work (`(program)`) stay apart.
 *
 * The profiler's samples are wall-clock time while the isolate runs, which a loaded machine
 * stretches; /proc counts CPU (both workerd processes: wrangler's proxy and the runtime). So each
 * layer is given its share of the samples times the CPU /proc counted over the same window, and the
 * layers add up to every microsecond /proc counted. Work the profiler cannot see (workerd's C++ on
 * sockets and native streams, the proxy process) is spread over the layers in proportion, i.e.
 * mostly onto the natives' JavaScript callers. Variants run in turn (order rotated per round), and
 * the table shows medians over rounds.
 *
 * PROFILE_DUMP=<dir> (with one variant, e.g. PROFILE_VARIANTS=wideline) also writes each round's raw
 * profile (`round-<n>.cpuprofile`, DevTools' format, with line-level ticks) and the bundle it
 * sampled, for reading a function's time line by line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchResults, profileLayers } from '@wideline/bench-kit';
import WebSocket from 'ws';
import { cpuTicks, invocations, startReceivers, startWorker, TICKS_PER_SECOND } from './workerd.mjs';

const VARIANTS = process.env.PROFILE_VARIANTS?.split(',') ?? ['bare', 'wideline'];
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 4);
const LOOPS = Number(process.env.PROFILE_LOOPS ?? 5);
const INVOCATIONS = Number(process.env.PROFILE_INVOCATIONS ?? 200);
// Sampling every 100 µs: finer than the layers' differences, coarse enough not to dominate.
const SAMPLING_US = 100;

const LAYERS = [
  ['OpenTelemetry API', /@opentelemetry\/api\//],
  ['OpenTelemetry SDK', /@opentelemetry\/(sdk-trace|sdk-trace-base|core|resources|semantic-conventions)\//],
  ['@wideline/core', /packages\/core\//],
  ['@wideline/worker', /packages\/worker\//],
  ['otel-cf-workers', /@microlabs\/otel-cf-workers|zod/],
  // The bench's own modules sit beside the wrangler config: their paths have no directory.
  ['handler + loop', /^[\w-]+\.js$/],
];

const LAYER_OF = (pkg) =>
  pkg === 'native'
    ? 'workerd natives (fetch, streams, timers, URL)'
    : (LAYERS[Number(pkg.slice('layer-'.length))]?.[0] ?? (pkg === 'layer--1' ? 'other' : pkg));

/** A Chrome DevTools protocol session over the inspector's WebSocket. */
async function inspect(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((t) => t.webSocketDebuggerUrl) ?? targets[0];
  const ws = new WebSocket(target?.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let next = 0;
  const waiting = new Map();
  const scripts = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.method === 'Debugger.scriptParsed') scripts.push(message.params);
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.error) pending.reject(new Error(`${message.error.message}`));
    else pending.resolve(message.result);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, scripts, close: () => ws.close() };
}

/** Line → module path, from the `// <path>` comment esbuild puts before each module. */
function moduleLines(source) {
  const starts = [];
  source.split('\n').forEach((line, i) => {
    const marker = /^\/\/ ((?:\.\.\/)*[\w@.+-][^\s]*\.(?:m?js|ts))$/.exec(line);
    if (marker) starts.push([i, marker[1]]);
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) {
        found = starts[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/** The profile with each frame's URL replaced by its layer's name (natives keep no URL). */
async function attributed(session, profile) {
  const bundle = session.scripts.find((s) => /workerd-[\w-]+\.js$/.test(s.url));
  if (!bundle) throw new Error(`the Worker's script was not reported (${session.scripts.map((s) => s.url)})`);
  const { scriptSource } = await session.send('Debugger.getScriptSource', { scriptId: bundle.scriptId });
  const moduleOf = moduleLines(scriptSource);
  if (process.env.PROFILE_DUMP) dump(scriptSource, profile);
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    // The profiler names the script by its file name, the debugger by its full URL.
    if (frame.url === '' || !(frame.url === bundle.url || bundle.url.endsWith(`/${frame.url}`))) {
      // Natives (fetch, streams, timers, URL, Headers) and the runtime's own JavaScript: a layer of
      // their own, since the same subrequest is a native call from the handler in the bare Worker
      // and from Wideline's fetch wrapper in the traced one. V8's own entries keep their names.
      if (!/^\((?:root|program|idle|garbage collector)\)$/.test(frame.functionName)) frame.url = 'native';
      continue;
    }
    const path = moduleOf(frame.lineNumber) ?? '';
    // A URL without `/`, which profileLayers takes as the package name; LAYER_OF names it.
    frame.url = `layer-${LAYERS.findIndex(([, pattern]) => pattern.test(path))}`;
  }
  return profile;
}

let dumps = 0;
/** PROFILE_DUMP=<dir>: each round's raw profile and the bundle it sampled, for line-level reading. */
function dump(source, profile) {
  const dir = process.env.PROFILE_DUMP;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bundle.js'), source);
  writeFileSync(join(dir, `round-${dumps++}.cpuprofile`), JSON.stringify(profile));
}

async function profileRound(worker) {
  const session = await inspect(worker.inspectorPort);
  try {
    await session.send('Debugger.enable');
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
    await invocations(worker.url, 20); // warm-up
    await session.send('Profiler.start');
    const before = cpuTicks(worker.workerdPids);
    for (let i = 0; i < LOOPS; i++) await invocations(worker.url, INVOCATIONS);
    const procUs = ((cpuTicks(worker.workerdPids) - before) / TICKS_PER_SECOND) * 1e6;
    const { profile } = await session.send('Profiler.stop');
    const { layers, functions, busyUs } = profileLayers(await attributed(session, profile), LAYER_OF);
    // Samples are wall-clock time while the isolate runs, which a loaded machine stretches (the
    // thread waits for a core); /proc counts CPU. So each layer gets its share of the samples times
    // the CPU /proc counted: every microsecond of the total goes to some layer.
    const per = (us) => ((us / busyUs) * procUs) / (LOOPS * INVOCATIONS);
    const row = Object.fromEntries([...layers].filter(([name]) => name !== 'idle').map(([n, us]) => [n, per(us)]));
    row.total = per(busyUs);
    return { row, functions: new Map([...functions].map(([key, us]) => [key, per(us)])) };
  } finally {
    session.close();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main() {
  const results = new BenchResults('worker-profile', {
    params: { rounds: ROUNDS, loops: LOOPS, invocations: INVOCATIONS, samplingUs: SAMPLING_US },
  });
  const receivers = await startReceivers();
  const running = [];
  try {
    for (const variant of VARIANTS)
      running.push(
        await startWorker(variant, { DOWNSTREAM_URL: receivers.downstreamUrl, OTLP_URL: receivers.otlpUrl }),
      );
    const rows = Object.fromEntries(VARIANTS.map((v) => [v, []]));
    const hot = Object.fromEntries(VARIANTS.map((v) => [v, new Map()]));
    for (let round = 0; round < ROUNDS; round++) {
      const k = round % running.length;
      for (const worker of [...running.slice(k), ...running.slice(0, k)]) {
        const { row, functions } = await profileRound(worker);
        rows[worker.variant].push(row);
        for (const [key, us] of functions)
          hot[worker.variant].set(key, (hot[worker.variant].get(key) ?? 0) + us / ROUNDS);
      }
    }
    const layerNames = [...new Set(Object.values(rows).flatMap((r) => r.flatMap(Object.keys)))].filter(
      (n) => n !== 'total',
    );
    layerNames.push('total');
    const med = (variant, layer) => median(rows[variant].map((r) => r[layer] ?? 0));
    console.log(
      `\nCPU per invocation in workerd by layer, µs (median of ${ROUNDS} rounds × ${LOOPS * INVOCATIONS} invocations)\n`,
    );
    const head = ['layer'.padEnd(30), ...VARIANTS.map((v) => v.padStart(10))];
    if (VARIANTS.includes('bare'))
      head.push(...VARIANTS.filter((v) => v !== 'bare').map((v) => `${v} − bare`.padStart(18)));
    console.log(head.join(' '));
    for (const layer of layerNames) {
      const cells = [layer.padEnd(30), ...VARIANTS.map((v) => med(v, layer).toFixed(1).padStart(10))];
      if (VARIANTS.includes('bare'))
        cells.push(
          ...VARIANTS.filter((v) => v !== 'bare').map((v) =>
            (med(v, layer) - med('bare', layer)).toFixed(1).padStart(18),
          ),
        );
      console.log(cells.join(' '));
      for (const variant of VARIANTS)
        for (const row of rows[variant])
          results.add({
            metric: `cpu_layer ${layer}`,
            variant,
            runtime: 'workerd',
            value: row[layer] ?? 0,
            unit: 'µs',
            kind: 'latency',
          });
    }
    console.log('\n(The median of each layer is taken separately, so a column need not add up to its total exactly.)');
    for (const variant of VARIANTS.filter((v) => v !== 'bare')) {
      console.log(`\nHottest functions of the libraries in ${variant}, µs per invocation (self time, mean of rounds)`);
      const library = [...hot[variant]].filter(([key]) => !/^(node|program|gc|idle|handler \+ loop|other)\t/.test(key));
      for (const [key, us] of library.sort((a, b) => b[1] - a[1]).slice(0, 25))
        console.log(`  ${us.toFixed(1).padStart(6)}  ${key.replace('\t', '  ')}`);
    }
    results.write();
  } finally {
    await Promise.all(running.map((worker) => worker.stop()));
    receivers.close();
  }
}

await main();
