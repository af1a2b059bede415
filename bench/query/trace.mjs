// `wideline trace` on a synthetic 10,000-span trace, layer by layer. The trace is loaded into Jaeger
// over OTLP (batched POSTs) — or, with BENCH_TRACE_SOURCE=static, served as the same OTLP-JSON
// answer by a local HTTP server, which takes Jaeger's own work out of the figures. Then, in rounds
// (each layer once per round, interleaved, fresh processes): Node's start (`node -e 0`), + loading
// the CLI's modules (`wideline --version`), a bare `node:http` GET + JSON.parse of the answer and a
// bare `fetch` + JSON.parse (the floors any client pays), and `wideline trace --timings` (its own
// phases from stderr). Medians of BENCH_ROUNDS rounds, wall and the process's CPU; samples go to
// bench/results/query-trace.json. Target: a fresh `wideline trace` ≤ 300 ms. BENCH_BASE_CLI=<another
// build's dist/cli.js> (say, of main) adds that build's `wideline trace` to every round, for paired
// before/after figures from one run.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BenchResults } from '@wideline/bench-kit';
import { otlpBatches, syntheticTrace } from './synthetic.mjs';

const SPANS = Number(process.env.BENCH_SPANS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SOURCE = process.env.BENCH_TRACE_SOURCE ?? 'jaeger';
const OTLP = process.env.WIDELINE_OTLP_URL ?? 'http://localhost:4318';
const CLI = fileURLToPath(import.meta.resolve('@wideline/query').replace(/index\.js$/, 'cli.js'));
const BASE_CLI = process.env.BENCH_BASE_CLI;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0).padStart(5)} ms`;

async function intoJaeger(jaeger, traceId, spans) {
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
    const res = await fetch(`${jaeger}/api/v3/traces/${traceId}`);
    if (res.ok) {
      const body = await res.json();
      const n = body.result.resourceSpans.reduce(
        (s, rs) => s + rs.scopeSpans.reduce((t, ss) => t + ss.spans.length, 0),
        0,
      );
      if (n >= spans.length) return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`trace ${traceId} did not reach ${spans.length} spans in Jaeger`);
}

/** A local server answering `/api/v3/traces/<id>` with the trace as one OTLP-JSON body. */
async function staticServer(traceId, spans) {
  const resourceSpans = [...otlpBatches(spans, 1000)].flatMap((b) => b.resourceSpans);
  const body = Buffer.from(JSON.stringify({ result: { resourceSpans } }));
  const server = createServer((req, res) => {
    const ok = req.url === `/api/v3/traces/${traceId}`;
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(ok ? body : '{"error":{"httpCode":404}}');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close(), bytes: body.length };
}

// Each anchor prints its own CPU time (user + system, ms) on stderr as its last line.
const CPU = `process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('cpu ' + (u.user + u.system) / 1000 + '\\n'); })`;
function layers(url) {
  const answer = `${url}/api/v3/traces/`;
  return {
    'node start': ['-e', CPU],
    'node + CLI modules': ['--import', `data:text/javascript,${encodeURIComponent(CPU)}`, CLI, '--version'],
    'node:http GET + JSON.parse': [
      '-e',
      `${CPU}; require('node:http').get(${JSON.stringify(answer)} + process.argv[1], (r) => { const c = []; r.on('data', (d) => c.push(d)); r.on('end', () => JSON.parse(Buffer.concat(c).toString())); })`,
    ],
    'fetch + JSON.parse': ['-e', `${CPU}; fetch(${JSON.stringify(answer)} + process.argv[1]).then((r) => r.json())`],
    'wideline trace': [CLI, 'trace', '--jaeger', url, '--timings'],
    ...(BASE_CLI ? { 'wideline trace (base)': [BASE_CLI, 'trace', '--jaeger', url, '--timings'] } : {}),
  };
}

// Asynchronous, so that the static server in this process can answer while the child runs.
async function runFresh(args, traceId) {
  const full =
    args[0] === '-e' ? [...args, traceId] : args[1] === 'trace' ? [args[0], 'trace', traceId, ...args.slice(2)] : args;
  const t0 = performance.now();
  const r = await new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      full,
      { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${full.join(' ')} failed: ${error.message} ${stderr}`)) : resolve({ stdout, stderr }),
    ),
  );
  const wall = performance.now() - t0;
  const cpu = /cpu (\d+(?:\.\d+)?)/.exec(r.stderr) ?? /process cpu (\d+)/.exec(r.stderr);
  const phases = {};
  for (const m of r.stderr.matchAll(/(start-up|http|parse|spans|graph|render|output) (\d+(?:\.\d+)?) ms/g))
    phases[m[1]] = Number(m[2]);
  return { wall, cpu: cpu ? Number(cpu[1]) : Number.NaN, phases, lines: r.stdout.split('\n').length };
}

const { traceId, spans } = syntheticTrace(SPANS);
let url = process.env.WIDELINE_JAEGER_QUERY_URL ?? 'http://localhost:16686';
let close = () => {};
if (SOURCE === 'static') {
  const server = await staticServer(traceId, spans);
  ({ url, close } = server);
  console.log(
    `serving a ${SPANS}-span trace ${traceId} as one ${(server.bytes / 2 ** 20).toFixed(1)} MiB OTLP-JSON answer at ${url}`,
  );
} else {
  await intoJaeger(url, traceId, spans);
  console.log(`loaded a ${SPANS}-span trace ${traceId} into Jaeger at ${url} (${Math.ceil(SPANS / 1000)} OTLP POSTs)`);
}
const results = new BenchResults('query-trace', { params: { spans: SPANS, rounds: ROUNDS, source: SOURCE } });
const all = layers(url);
const seen = Object.fromEntries(Object.keys(all).map((k) => [k, []]));
await runFresh(all['wideline trace'], traceId); // warm the file cache
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, args] of Object.entries(all)) seen[name].push(await runFresh(args, traceId));
  const w = seen['wideline trace'].at(-1);
  results.add({ metric: 'trace_wall', variant: `wideline (${SOURCE})`, value: w.wall, unit: 'ms', kind: 'latency' });
  results.add({ metric: 'trace_cpu', variant: `wideline (${SOURCE})`, value: w.cpu, unit: 'ms', kind: 'latency' });
  if (BASE_CLI) {
    const b = seen['wideline trace (base)'].at(-1);
    results.add({
      metric: 'trace_wall',
      variant: `base build (${SOURCE})`,
      value: b.wall,
      unit: 'ms',
      kind: 'latency',
    });
    results.add({ metric: 'trace_cpu', variant: `base build (${SOURCE})`, value: b.cpu, unit: 'ms', kind: 'latency' });
  }
  const floor = seen['fetch + JSON.parse'].at(-1);
  results.add({
    metric: 'trace_wall',
    variant: 'wideline / fetch + JSON.parse',
    value: w.wall / floor.wall,
    unit: '×',
    kind: 'latency',
  });
  const http = seen['node:http GET + JSON.parse'].at(-1);
  results.add({
    metric: 'trace_wall',
    variant: 'wideline / node:http + JSON.parse',
    value: w.wall / http.wall,
    unit: '×',
    kind: 'latency',
  });
}
close();
console.log(`fresh processes, median of ${ROUNDS} rounds          wall      CPU`);
for (const [name, runs] of Object.entries(seen))
  console.log(`  ${name.padEnd(32)} ${ms(median(runs.map((r) => r.wall)))} ${ms(median(runs.map((r) => r.cpu)))}`);
const trace = seen['wideline trace'];
const phases = Object.keys(trace[0].phases);
console.log(
  `  wideline trace --timings, medians: ${phases.map((p) => `${p} ${median(trace.map((r) => r.phases[p])).toFixed(0)}`).join(' · ')} ms (${trace[0].lines} lines)`,
);
const ratio = (b) => median(trace.map((r, i) => r.wall / seen[b][i].wall)).toFixed(2);
if (BASE_CLI) {
  const base = seen['wideline trace (base)'];
  const cpu = median(trace.map((r, i) => r.cpu / base[i].cpu)).toFixed(2);
  console.log(
    `  wideline trace / the base build: wall ${ratio('wideline trace (base)')}× · CPU ${cpu}× (median of per-round ratios)`,
  );
  console.log(
    `  base build --timings, medians: ${phases.map((p) => `${p} ${median(base.map((r) => r.phases[p])).toFixed(0)}`).join(' · ')} ms`,
  );
}
console.log(
  `  wideline trace / node:http + JSON.parse ${ratio('node:http GET + JSON.parse')}× · / fetch + JSON.parse ${ratio('fetch + JSON.parse')}× (median of per-round ratios)`,
);
const wall = median(trace.map((r) => r.wall));
console.log(
  `target ≤ 300 ms for a fresh \`wideline trace\`: ${wall <= 300 ? 'met' : 'NOT met'} (${wall.toFixed(0)} ms); load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`,
);
results.write();
