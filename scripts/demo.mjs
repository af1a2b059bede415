// `pnpm demo`: brings the stack up, records a small checkout trace through @wideline/core (a unit of
// work with nested steps, wide-event fields, a failing step and its compensation), reads it back from
// Jaeger's API and prints it as a waterfall with its Jaeger UI link.
import { bin, ensureInstalled, repo, step } from './lib.mjs';

ensureInstalled();
step('stack up (Jaeger, Redis, Spotlight)', process.execPath, ['stack/stack.mjs', 'up']);
step('build @wideline/core', bin('turbo'), ['run', 'build', '--filter=@wideline/core', '--output-logs=errors-only']);

const { createTracing, wideEvent, jaegerTraceUrl } = await import(`${repo}/packages/core/dist/index.js`);
const { AsyncLocalStorageContextManager } = await import(
  `${repo}/packages/core/node_modules/@opentelemetry/context-async-hooks/build/src/index.js`
);

const tracing = createTracing({
  serviceName: 'wideline-demo',
  env: process.env,
  contextManager: new AsyncLocalStorageContextManager(),
});
const { tracer } = tracing;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const work = (name, ms, fn) =>
  tracer.startActiveSpan(name, async (span) => {
    await sleep(ms);
    try {
      await fn?.(span);
    } finally {
      span.end();
    }
  });

console.log('\n▶ recording a checkout trace');
const traceId = await tracer.startActiveSpan('POST /checkout', { kind: 1 }, async (root) => {
  wideEvent().setAll({ 'user.id': 'u-42', 'cart.items': 3, 'http.request.header.authorization': 'Bearer demo-secret' });
  await work('reserve stock', 30, () => wideEvent().increment('db.queries'));
  await work('charge card', 45, (span) => {
    span.setStatus({ code: 2, message: 'card declined' });
    wideEvent().set('payment.outcome', 'declined');
  });
  await work('compensate: release stock', 15, () => wideEvent().increment('db.queries'));
  root.setStatus({ code: 2, message: 'checkout failed: card declined' });
  root.end();
  return root.spanContext().traceId;
});
await tracing.shutdown();
console.log(`  trace ${traceId} exported (${tracing.stats().export.spansExported} spans)`);

const query = process.env.WIDELINE_JAEGER_QUERY_URL ?? 'http://localhost:16686';
let spans = [];
for (let i = 0; i < 50 && spans.length < 4; i++) {
  await sleep(200);
  const res = await fetch(`${query}/api/v3/traces/${traceId}`);
  if (res.ok) spans = (await res.json()).result.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
}
if (spans.length < 4) {
  console.error(`✖ only ${spans.length} of 4 spans reached Jaeger`);
  process.exit(1);
}

const start = Math.min(...spans.map((s) => Number(BigInt(s.startTimeUnixNano) / 1000n)));
const end = Math.max(...spans.map((s) => Number(BigInt(s.endTimeUnixNano) / 1000n)));
const width = 40;
const depth = (s) => (s.parentSpanId ? 1 + depth(spans.find((p) => p.spanId === s.parentSpanId) ?? {}) : 0);
console.log(`\n▶ trace ${traceId} from Jaeger\n`);
for (const s of spans.sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1))) {
  const from = Number(BigInt(s.startTimeUnixNano) / 1000n) - start;
  const to = Number(BigInt(s.endTimeUnixNano) / 1000n) - start;
  const col = (t) => Math.round((t / (end - start)) * width);
  const bar = ' '.repeat(col(from)) + '█'.repeat(Math.max(1, col(to) - col(from)));
  const failed = s.status?.code === 2 || s.status?.code === 'STATUS_CODE_ERROR';
  const label = `${'  '.repeat(depth(s))}${s.name}${failed ? ' ✖' : ''}`;
  console.log(`  ${label.padEnd(34)} ${bar.padEnd(width)} ${((to - from) / 1000).toFixed(1)} ms`);
}
const root = spans.find((s) => !s.parentSpanId);
const fields = Object.fromEntries(root.attributes.map((a) => [a.key, Object.values(a.value)[0]]));
console.log('\n  wide event (root span fields):', JSON.stringify(fields));
console.log(`\n  Jaeger UI: ${jaegerTraceUrl(traceId)}\n`);
