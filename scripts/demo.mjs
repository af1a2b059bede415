// `pnpm demo`: the whole product in one command. Brings the stack up, builds what the apps need,
// starts the three apps (jobs, edge-api under wrangler dev, the built web page), drives the page in
// headless Chromium — one order that completes, one that fails at shipping and is compensated — and
// prints what came out: each trace's Jaeger link and waterfall, `wideline why` for the failed one,
// and the Sentry events Spotlight received for it. Stops the apps unless `--keep`; the stack stays up.
import { bin, ensureInstalled, repo, step } from './lib.mjs';

const keep = process.argv.includes('--keep');
const started = Date.now();

ensureInstalled();
step('stack up (Jaeger, Redis, Spotlight)', process.execPath, ['stack/stack.mjs', 'up']);
step('build the packages and the web app', bin('turbo'), [
  'run',
  'build',
  '--filter=@wideline/app-web...',
  '--filter=@wideline/app-jobs...',
  '--filter=@wideline/app-edge-api...',
  '--filter=@wideline/journey...',
  '--output-logs=errors-only',
]);

// Node ≥ 22.18 runs the journey's TypeScript directly; the packages it uses were just built.
const journey = await import(`${repo}/apps/journey/src/index.ts`);
const { explainFailure, followLinks, JaegerClient, renderWaterfall, renderWhy } = await import(
  `${repo}/packages/query/dist/index.js`
);
// The CLI's colours, for the demo's own lines (not part of @wideline/query's API).
const { createStyle } = await import(`${repo}/packages/query/src/style.ts`);

const style = createStyle(process.stdout.isTTY === true && !process.env.NO_COLOR);
const width = Math.max(100, Math.min(process.stdout.columns ?? 120, 140));
const say = (line = '') => console.log(line);
const progress = (line) => say(`  ${style.dim('·')} ${line}`);
const port = (name, fallback) => Number(process.env[name] || fallback);

say('\n▶ start the apps');
let apps;
// Ctrl-C (or a SIGTERM) at any point stops what was started, then exits.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await (apps ? apps.stop() : journey.killAll());
    process.exit(keep && apps ? 0 : 130);
  });
}
try {
  apps = await journey.startApps({
    ports: { jobs: port('JOBS_PORT', 4000), edge: port('EDGE_API_PORT', 8787), web: port('WEB_PORT', 5173) },
    queuePrefix: 'wideline-demo',
    log: progress,
  });
} catch (error) {
  console.error(`✖ the apps did not start: ${error.message}`);
  console.error('  (ports in use? set JOBS_PORT, EDGE_API_PORT, WEB_PORT)');
  process.exit(1);
}

let failedRun = false;
try {
  say('\n▶ drive the page in headless Chromium');
  const result = await journey.driveJourney(apps.urls.web, { log: progress });
  if (result.succeeded.outcome !== 'completed' || result.failed.outcome !== 'compensated') {
    throw new Error(
      `unexpected outcomes: ${result.succeeded.outcome} / ${result.failed.outcome}\n${result.pageErrors.join('\n')}`,
    );
  }

  const isComplete = (compensations) => (graph) =>
    ['web', 'edge-api', 'jobs'].every((s) => journey.servicesOf(graph).has(s)) &&
    graph.ordered.some((n) => n.span.name === 'process orders') &&
    graph.compensations().length >= compensations;

  for (const [label, order, compensations] of [
    ['the order that completed', result.succeeded, 0],
    ['the order that failed and was compensated', result.failed, 2],
  ]) {
    say(`\n▶ ${label}: order ${order.orderId}`);
    say(`  trace   ${style.bold(order.traceId)}`);
    say(`  Jaeger  ${apps.stack.jaegerUi}/trace/${order.traceId}`);
    say(`  page    ${order.statuses.join(' → ')}`);
    progress('waiting for all spans to reach Jaeger');
    const graph = await journey.waitForTraceGraph(apps.stack.jaegerQuery, order.traceId, isComplete(compensations));
    // A retried step's later attempts run in traces of their own: follow them, as `wideline trace` does.
    const linked = await followLinks(new JaegerClient({ url: apps.stack.jaegerQuery }), graph);
    Object.assign(order, { graph, linked });
    say('');
    for (const line of renderWaterfall(graph, { color: style.enabled, width, jaegerUrl: apps.stack.jaegerUi, linked }))
      say(line);
  }

  say(`\n▶ wideline why ${result.failed.traceId}\n`);
  const why = explainFailure(result.failed.graph, apps.stack.jaegerUi, result.failed.linked);
  for (const line of renderWhy(why, { color: style.enabled })) say(line);

  say('\n▶ Sentry events in Spotlight for that trace (and for the retries it led to)');
  // The page's error, the saga's final failure (this trace), and the ship step's final failure: its
  // last retry ran in a trace of its own, and its event names this one as its origin.
  const events = await journey.collectSentryEvents(
    apps.stack.spotlight,
    (event) => event.tags?.trace_id === result.failed.traceId || event.tags?.origin_trace_id === result.failed.traceId,
    (found) => found.length >= 3,
  );
  if (events.length === 0) throw new Error(`no Sentry event with trace_id ${result.failed.traceId} reached Spotlight`);
  for (const event of events) for (const line of journey.describeEvent(event)) say(`  ${line}`);
} catch (error) {
  failedRun = true;
  console.error(`\n✖ ${error.message}`);
  for (const [name, output] of Object.entries(apps.output())) {
    console.error(`\n--- ${name} (last lines) ---\n${output.trimEnd().split('\n').slice(-25).join('\n')}`);
  }
} finally {
  if (!keep || failedRun) await apps.stop();
}

if (failedRun) process.exit(1);
say(`\n✔ demo done in ${((Date.now() - started) / 1000).toFixed(0)}s`);
// The stack is never stopped here: its traces and Sentry events are what the demo leaves to explore.
const { jaegerUi, spotlight, redis } = apps.stack;
say(
  `  still running: the stack — Jaeger ${jaegerUi}, Spotlight ${spotlight}, Redis ${redis} (pnpm stack down stops it)`,
);
if (keep) say(`  and the apps (--keep): open ${apps.urls.web} (Ctrl-C stops them)`);
else {
  say('  stopped: the apps (web, edge-api, jobs); pnpm demo --keep leaves them running');
  process.exit(0);
}
