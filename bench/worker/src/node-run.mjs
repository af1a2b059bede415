/**
 * One variant of the Worker benchmark run in Node (a child process, so each library patches its own
 * global fetch): the same handler called through the variant's wrapper, its `waitUntil` promises
 * awaited at the end of each round, CPU time measured with `process.cpuUsage()` (this process's user + system time only; the
 * receivers live in the parent).
 *
 * The process stays up and runs one round each time the parent asks (IPC message `{ requests }`),
 * answering `{ cpuUsPerRequest }`, so that the parent can interleave the variants' rounds: load on
 * the shared machine then drifts over all variants alike, and each round can be compared with the
 * other variants' rounds run just before and after it.
 *
 * Usage (from bench.mjs, with an IPC channel):
 *   node node-run.mjs <bundled variant> <downstream url> <otlp url> [sequential]
 */
const [bundle, downstreamUrl, otlpUrl, mode] = process.argv.slice(2);
// otel-cf-workers, run in Node, stops answering when a request starts before the previous
// request's waitUntil work has settled (in workerd it does not); for it, each request's waitUntil is
// awaited before the next. That changes idle time, not the CPU work counted.
const sequential = mode === 'sequential';
// otel-cf-workers wraps the Workers Cache API at import time and waits with Workers' scheduler.wait;
// Node has neither, and the handler uses neither.
globalThis.caches ??= { default: {}, open: async () => ({}) };
globalThis.scheduler ??= { wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
const module = await import(bundle);
const worker = module.default;
const env = { DOWNSTREAM_URL: downstreamUrl, OTLP_URL: otlpUrl };

// As in the runtime, a request's waitUntil work does not hold up the next request; it runs
// alongside, and each round waits for all of it before reading the CPU clock, so every export a
// round caused is counted in that round.
let pending = [];

async function once() {
  // A context per request, as the runtime gives (libraries may key state on it).
  const ctx = { waitUntil: (promise) => pending.push(promise), passThroughOnException() {} };
  const response = await worker.fetch(new Request('http://bench.test/'), env, ctx);
  const text = await response.text();
  if (text !== 'ok,ok,ok') throw new Error(`unexpected answer: ${text}`);
  if (sequential) await settle();
}

async function settle() {
  while (pending.length > 0) {
    const waiting = pending;
    pending = [];
    await Promise.all(waiting);
  }
}

process.on('message', async ({ requests, warmup }) => {
  for (let i = 0; i < (warmup ?? 0); i++) await once();
  await settle();
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i++) await once();
  await settle();
  const used = process.cpuUsage(before);
  process.send({ cpuUsPerRequest: (used.user + used.system) / requests });
});
process.send({ ready: true });
