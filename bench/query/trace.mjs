// `wideline trace` on a synthetic 10,000-span trace: load it into Jaeger over OTLP (batched POSTs),
// then time fetch + graph + render in-process (median of several runs, per phase) and the real CLI as
// a fresh process. Anchors measured in the same run: a bare `fetch` + `JSON.parse` of the same trace
// (in-process and as a fresh `node` process) — the floor any client pays. Target: < 1 s.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { JaegerClient, renderWaterfall, TraceGraph } from '@wideline/query';
import { otlpBatches, syntheticTrace } from './synthetic.mjs';

const SPANS = Number(process.env.BENCH_SPANS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const JAEGER = process.env.WIDELINE_JAEGER_QUERY_URL ?? 'http://localhost:16686';
const OTLP = process.env.WIDELINE_OTLP_URL ?? 'http://localhost:4318';
const CLI = fileURLToPath(import.meta.resolve('@wideline/query').replace(/index\.js$/, 'cli.js'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

async function load() {
  const { traceId, spans } = syntheticTrace(SPANS);
  const t0 = performance.now();
  for (const body of otlpBatches(spans, 1000)) {
    const res = await fetch(`${OTLP}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`OTLP receiver answered ${res.status}: ${await res.text()}`);
  }
  // Jaeger stores after its batch delay: poll until every span is readable.
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${JAEGER}/api/v3/traces/${traceId}`);
    if (res.ok) {
      const body = await res.json();
      const n = body.result.resourceSpans.reduce(
        (s, rs) => s + rs.scopeSpans.reduce((t, ss) => t + ss.spans.length, 0),
        0,
      );
      if (n >= SPANS) return { traceId, loadMs: performance.now() - t0 };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`trace ${traceId} did not reach ${SPANS} spans in Jaeger`);
}

async function inProcess(traceId) {
  const jaeger = new JaegerClient({ url: JAEGER });
  const phases = { fetch: [], graph: [], render: [], total: [], anchor: [] };
  let lines = 0;
  for (let i = 0; i <= RUNS; i++) {
    const a0 = performance.now();
    const raw = await (await fetch(`${JAEGER}/api/v3/traces/${traceId}`)).json();
    const a1 = performance.now();
    if (!raw.result) throw new Error('anchor fetch failed');
    const t0 = performance.now();
    const { spans } = await jaeger.getTrace(traceId);
    const t1 = performance.now();
    const graph = TraceGraph.fromSpans(spans);
    const t2 = performance.now();
    const out = renderWaterfall(graph, { width: 120, jaegerUrl: JAEGER }).join('\n');
    const t3 = performance.now();
    lines = out.split('\n').length;
    if (i === 0) continue; // warm-up
    phases.anchor.push(a1 - a0);
    phases.fetch.push(t1 - t0);
    phases.graph.push(t2 - t1);
    phases.render.push(t3 - t2);
    phases.total.push(t3 - t0);
  }
  return { ...Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)])), lines };
}

function freshProcess(args) {
  const times = [];
  let stderr = '';
  for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 2)); i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1' },
    });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    stderr = r.stderr;
  }
  return { wall: median(times), stderr: stderr.trim() };
}

const { traceId, loadMs } = await load();
console.log(
  `loaded a ${SPANS}-span trace ${traceId} into Jaeger in ${ms(loadMs)} (${Math.ceil(SPANS / 1000)} OTLP POSTs)`,
);
const r = await inProcess(traceId);
console.log(
  `in-process, median of ${RUNS}: fetch ${ms(r.fetch)} · graph ${ms(r.graph)} · render ${ms(r.render)} (${r.lines} lines) · total ${ms(r.total)}`,
);
console.log(
  `  anchor: bare fetch + JSON.parse ${ms(r.anchor)} → wideline total is ${(r.total / r.anchor).toFixed(2)}× the floor`,
);
const cli = freshProcess([CLI, 'trace', traceId, '--jaeger', JAEGER, '--timings']);
const bare = freshProcess([
  '-e',
  `fetch(${JSON.stringify(`${JAEGER}/api/v3/traces/${traceId}`)}).then((r) => r.json())`,
]);
console.log(
  `fresh process, median wall clock: \`wideline trace\` ${ms(cli.wall)}; bare node fetch + parse ${ms(bare.wall)} → ${(cli.wall / bare.wall).toFixed(2)}×`,
);
console.log(`  last run: ${cli.stderr.replace(/^timings: /, '')}`);
// On a shared machine wall clock measures the neighbours too; the CPU figure above is this process's own.
console.log(`  load average during the run: ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`);
console.log(
  `target < 1000 ms for fetch + graph + render: in-process ${r.total < 1000 ? 'met' : 'NOT met'}, fresh process ${cli.wall < 1000 ? 'met' : 'NOT met'}`,
);
