// bench/query load: OTLP/JSON file → the embedded engine, layer by layer. Each round runs, each in a
// fresh process, the floors (reading the file; JSON.parse of every line in JavaScript; the engine's
// own JSON parse) and @wideline/query's load (ChdbEngine.loadOtlpFile + finishLoad, with its phases).
// Prints medians of BENCH_ROUNDS rounds per span, and the load against the floors as ratios, which
// carry the machine's load in both terms. Samples go to bench/results/query-load.json.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BenchResults } from '@wideline/bench-kit';
import { eventsFile } from './events-file.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const us = (ms, spans) => ((ms * 1000) / spans).toFixed(2).padStart(6);

// BENCH_BEFORE=<checkout>/packages/query/src/index.ts also loads with that checkout each round: before / after.
const BEFORE = process.env.BENCH_BEFORE;

function round(step, path, module) {
  const env = { ...process.env, ...(module ? { BENCH_QUERY_MODULE: module } : {}) };
  const run = spawnSync(process.execPath, [...process.execArgv, here('load-round.mjs'), step, path], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env,
  });
  if (run.status !== 0) throw new Error(`${step}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}

const { path, bytes } = await eventsFile(EVENTS);
console.log(
  `${EVENTS.toLocaleString('en-US')} spans, ${(bytes / 2 ** 20).toFixed(0)} MiB of OTLP/JSON lines (${Math.round(bytes / EVENTS)} bytes a span): ${path}`,
);
const results = new BenchResults('query-load', { params: { events: EVENTS, rounds: ROUNDS } });
const layers = new Map(); // layer → { wall: [], cpu: [] }
const add = (name, t) => {
  const l = layers.get(name) ?? { wall: [], cpu: [] };
  l.wall.push(t.wallMs);
  l.cpu.push(t.cpuMs);
  layers.set(name, l);
};
for (let r = 0; r < ROUNDS; r++) {
  const floors = round('floors', path);
  for (const [name, t] of Object.entries(floors)) add(name, t);
  const load = round('load', path);
  if (load.spans !== EVENTS) throw new Error(`loaded ${load.spans} spans, expected ${EVENTS}`);
  for (const p of load.phases) add(`load: ${p.name}`, p);
  add('load, total', load.total);
  const rate = EVENTS / (load.total.wallMs / 1000);
  if (BEFORE) {
    const before = round('load', path, BEFORE);
    add('before: load, total', before.total);
    results.add({
      metric: 'load_wall',
      variant: 'embedded / before',
      value: load.total.wallMs / before.total.wallMs,
      unit: '×',
      kind: 'latency',
    });
    results.add({
      metric: 'load_cpu',
      variant: 'embedded / before',
      value: load.total.cpuMs / before.total.cpuMs,
      unit: '×',
      kind: 'latency',
    });
  }
  results.add({
    metric: 'load_rate',
    variant: 'embedded',
    value: Math.round(rate),
    unit: 'spans/s',
    kind: 'throughput',
  });
  results.add({
    metric: 'load_cpu_per_span',
    variant: 'embedded',
    value: (load.total.cpuMs * 1000) / EVENTS,
    unit: 'µs',
    kind: 'latency',
  });
  results.add({
    metric: 'load_wall',
    variant: 'embedded / node JSON.parse',
    value: load.total.wallMs / floors['node JSON.parse'].wallMs,
    unit: '×',
    kind: 'latency',
  });
  results.add({
    metric: 'load_cpu',
    variant: 'embedded / node JSON.parse',
    value: load.total.cpuMs / floors['node JSON.parse'].cpuMs,
    unit: '×',
    kind: 'latency',
  });
  console.log(
    `round ${r + 1}: load ${Math.round(load.total.wallMs)} ms (${Math.round(rate).toLocaleString('en-US')} spans/s), load average ${loadavg()[0].toFixed(1)}`,
  );
}
console.log(`\nmedian of ${ROUNDS} rounds, µs per span     wall     CPU (all threads)`);
for (const [name, l] of layers)
  console.log(`  ${name.padEnd(28)} ${us(median(l.wall), EVENTS)}   ${us(median(l.cpu), EVENTS)}`);
const total = layers.get('load, total');
const parse = layers.get('node JSON.parse');
console.log(
  `load rate ${Math.round(EVENTS / (median(total.wall) / 1000)).toLocaleString('en-US')} spans/s (target ≥ 200,000); load / JSON.parse in JavaScript: wall ${(median(total.wall) / median(parse.wall)).toFixed(2)}×, CPU ${(median(total.cpu) / median(parse.cpu)).toFixed(2)}×`,
);
if (BEFORE) {
  const b = layers.get('before: load, total');
  console.log(
    `after / before (${BEFORE}): wall ${(median(total.wall) / median(b.wall)).toFixed(2)}×, CPU ${(median(total.cpu) / median(b.cpu)).toFixed(2)}×`,
  );
}
console.log(`load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`);
results.write();
