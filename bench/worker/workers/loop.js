/**
 * The entry wrangler runs for each variant: `GET /?n=200` calls the variant's (wrapped) fetch handler
 * 200 times inside one incoming request, each with a fresh Request and its own ExecutionContext
 * stand-in, and awaits every `waitUntil` promise before answering. The runtime's own HTTP handling of
 * the incoming request (~1 ms of CPU, and most of the round-to-round noise) is paid once per 200
 * invocations, so what the process CPU then shows per invocation is the handler, its three real
 * subrequests through workerd's fetch, and whatever the library adds — spans, propagation, the
 * response pipe and the export.
 *
 * Without `n` the variant's handler answers the request itself (a plain request, for latency).
 */
/** BENCH_STUB_FETCH=1: the handler's subrequests answered in the isolate, without I/O. */
async function stubFetch() {
  return new Response('ok');
}
let stubbed = false;

export function looped(worker, { sequential = false } = {}) {
  return {
    async fetch(request, env, ctx) {
      // Installed before the variant's first invocation, so that its instrumentation wraps the stub.
      if (env.STUB_FETCH === '1' && !stubbed) {
        stubbed = true;
        globalThis.fetch = stubFetch;
      }
      const n = Number(new URL(request.url).searchParams.get('n') ?? 0);
      if (!(n > 0)) return worker.fetch(request, env, ctx);
      let pending = [];
      const inner = { waitUntil: (promise) => pending.push(promise), passThroughOnException() {} };
      for (let i = 0; i < n; i++) {
        const response = await worker.fetch(new Request('http://bench.test/'), env, inner);
        const text = await response.text();
        if (text !== 'ok,ok,ok') return new Response(`invocation ${i}: ${text}`, { status: 500 });
        // otel-cf-workers is given each invocation's waitUntil work settled before the next, as in
        // the Node runner; that changes idle time, not the CPU counted.
        if (sequential) {
          await Promise.all(pending);
          pending = [];
        }
      }
      while (pending.length > 0) {
        const waiting = pending;
        pending = [];
        await Promise.all(waiting);
      }
      return new Response('ok,ok,ok');
    },
  };
}
