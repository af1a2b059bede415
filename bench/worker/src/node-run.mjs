/**
 * One variant of the Worker benchmark run in Node (child process, so each library patches its own
 * global fetch): the same handler called through the variant's wrapper, with `waitUntil` promises
 * awaited, CPU time measured with `process.cpuUsage()`. Prints one JSON line.
 *
 * Usage: node node-run.mjs <bundled variant module> <downstream url> <otlp url> <requests per round>
 */
const [bundle, downstreamUrl, otlpUrl, requestsArg] = process.argv.slice(2);
const requests = Number(requestsArg);
// otel-cf-workers wraps the Workers Cache API at import time and waits with Workers' scheduler.wait;
// Node has neither, and the handler uses neither.
globalThis.caches ??= { default: {}, open: async () => ({}) };
globalThis.scheduler ??= { wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
const module = await import(bundle);
const worker = module.default;
const env = { DOWNSTREAM_URL: downstreamUrl, OTLP_URL: otlpUrl };

async function once() {
  const pending = [];
  const ctx = { waitUntil: (promise) => pending.push(promise), passThroughOnException() {} };
  const response = await worker.fetch(new Request('http://bench.test/'), env, ctx);
  const text = await response.text();
  if (text !== 'ok,ok,ok') throw new Error(`unexpected answer: ${text}`);
  await Promise.all(pending);
}

for (let i = 0; i < 200; i++) await once(); // warm-up
const samples = [];
for (let round = 0; round < 5; round++) {
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i++) await once();
  const used = process.cpuUsage(before);
  samples.push((used.user + used.system) / requests);
}
samples.sort((a, b) => a - b);
console.log(JSON.stringify({ cpuUsPerRequest: samples[2], samples }));
