// `wideline trace` on the same synthetic 10,000-span trace stored by Jaeger's Badger store (the local
// stack's default) and by its memory store, as a ratio: each store runs in a private native stack on
// free ports (the shared stack is left alone), the trace is loaded into both, then fetch + graph +
// render is timed in interleaved rounds (Badger, memory, Badger, …) so both see the same machine.
// Also the fresh `wideline trace` process, whose wall clock includes Node's start-up.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { JaegerClient, renderWaterfall, TraceGraph } from '@wideline/query';
import { privateStack } from '../../packages/testkit/src/index.ts';
import { otlpBatches, syntheticTrace } from './synthetic.mjs';

const SPANS = Number(process.env.BENCH_SPANS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 9);
const CLI = fileURLToPath(import.meta.resolve('@wideline/query').replace(/index\.js$/, 'cli.js'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

async function load(stack, spans, traceId) {
  for (const body of otlpBatches(spans, 1000)) {
    const res = await fetch(`${stack.urls.otlp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`OTLP receiver answered ${res.status}: ${await res.text()}`);
  }
  const jaeger = new JaegerClient({ url: stack.urls.jaegerQuery });
  for (let i = 0; i < 150; i++) {
    const got = await jaeger.getTrace(traceId).catch(() => ({ spans: [] }));
    if (got.spans.length >= SPANS) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`trace ${traceId} did not reach ${SPANS} spans in ${stack.urls.jaegerQuery}`);
}

/** One `wideline trace` in-process: fetch, graph, render; ms per phase. */
async function traceOnce(url, traceId) {
  const t0 = performance.now();
  const { spans } = await new JaegerClient({ url }).getTrace(traceId);
  const t1 = performance.now();
  const graph = TraceGraph.fromSpans(spans);
  renderWaterfall(graph, { width: 120, jaegerUrl: url });
  const t2 = performance.now();
  return { fetch: t1 - t0, total: t2 - t0 };
}

function freshProcess(url, traceId) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'trace', traceId, '--jaeger', url], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.status !== 0) throw new Error(`wideline trace exited ${r.status}: ${r.stderr}`);
  return performance.now() - t0;
}

const stores = {
  badger: await privateStack({ WIDELINE_TRACE_STORE: 'badger' }),
  memory: await privateStack({ WIDELINE_TRACE_STORE: 'memory' }),
};
try {
  for (const [name, stack] of Object.entries(stores)) {
    const up = await stack.cli(['up', 'jaeger']);
    if (up.status !== 0) throw new Error(`private ${name} stack did not start:\n${up.stdout}${up.stderr}`);
  }
  const { traceId, spans } = syntheticTrace(SPANS);
  for (const stack of Object.values(stores)) await load(stack, spans, traceId);
  console.log(`a ${SPANS}-span trace ${traceId} loaded into Jaeger's Badger and memory stores (private stacks)`);

  const times = { badger: { fetch: [], total: [], fresh: [] }, memory: { fetch: [], total: [], fresh: [] } };
  for (const stack of Object.values(stores)) await traceOnce(stack.urls.jaegerQuery, traceId); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? ['memory', 'badger'] : ['badger', 'memory']) {
      const url = stores[name].urls.jaegerQuery;
      const r = await traceOnce(url, traceId);
      times[name].fetch.push(r.fetch);
      times[name].total.push(r.total);
      if (round < Math.ceil(ROUNDS / 2)) times[name].fresh.push(freshProcess(url, traceId));
    }
  }
  const m = (name, key) => median(times[name][key]);
  for (const name of ['badger', 'memory'])
    console.log(
      `${name.padEnd(7)} in-process, median of ${ROUNDS}: fetch ${ms(m(name, 'fetch'))} · total ${ms(m(name, 'total'))}; fresh process ${ms(m(name, 'fresh'))}`,
    );
  console.log(
    `Badger / memory: fetch ${(m('badger', 'fetch') / m('memory', 'fetch')).toFixed(2)}× · wideline trace in-process ${(m('badger', 'total') / m('memory', 'total')).toFixed(2)}× · fresh process ${(m('badger', 'fresh') / m('memory', 'fresh')).toFixed(2)}×`,
  );
  console.log(`  load average during the run: ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`);
} finally {
  for (const stack of Object.values(stores)) await stack.dispose();
}
