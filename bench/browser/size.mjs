/**
 * Bundle size of three ways to trace a page, each built the same way (esbuild, ESM, minified,
 * browser platform, one entry that starts tracing) and gzipped at level 9:
 *
 * - @wideline/browser, three ways: `initBrowser` (the one-line default: page load, vitals,
 *   interactions, navigations, fetch/XHR, WebSocket, sessions, redaction, keepalive export with the
 *   offline queue); `startBrowser` with fetch only; and with fetch + page load.
 * - OpenTelemetry web, hand-picked: sdk-trace-web + instrumentation-fetch + the OTLP/HTTP exporter
 *   (no page load, vitals, interactions, sessions, WebSocket or offline queue).
 * - @sentry/browser with browserTracingIntegration (Sentry's page-load, navigation and fetch tracing).
 *
 * Two more rows compare the exporters alone (each with the OTel API and SDK types it pulls in), two
 * the vitals alone (the `web-vitals` library the browser package used to bundle, and Wideline's own
 * `vitals.ts` that replaced it, each reporting LCP, INP, CLS, FCP and TTFB), and three rows show the
 * floor: what `@opentelemetry/api` alone and the API with the SDK's provider
 * cost with nothing of ours, once with `sdk-trace-base`'s `BasicTracerProvider` and once with
 * `sdk-trace`'s `TracerProvider` (the class it extends, which the browser builds on). Then the default
 * bundle built up layer by layer (the required libraries, the part every setup runs, each group of
 * features), each step measured; and a per-module account of it: each module's minified bytes, and
 * its share of the gzip size.
 *
 * Sizes are deterministic: this prints bytes and ratios, it gates nothing. The sizes and the ratios
 * to the hand-picked OTel web set go to bench/results/browser-size.json (`pnpm bench --compare`).
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BenchResults } from '@wideline/bench-kit';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

// The variant each setup is recorded as.
const VARIANT = {
  '@wideline/browser': 'wideline',
  '@wideline/browser, fetch only': 'wideline-fetch',
  '@wideline/browser, fetch + page load': 'wideline-fetch-pageload',
  'OTel web (sdk-trace-web + fetch + OTLP)': 'otel-web',
  '@sentry/browser + tracing': 'sentry',
  'exporter only: Wideline BrowserOtlpExporter': 'exporter-wideline',
  'exporter only: OTLPTraceExporter 0.223.1 (browser build)': 'exporter-otlp',
  'vitals only: web-vitals 6.2.3': 'vitals-web-vitals',
  "vitals only: Wideline's vitals.ts": 'vitals-wideline',
  'floor: @opentelemetry/api (trace + context)': 'floor-api',
  'floor: api + sdk-trace-base provider, one span': 'floor-sdk',
  "floor: api + sdk-trace's TracerProvider (what Wideline's browser builds on), one span": 'floor-sdk-lean',
};

const entries = {
  '@wideline/browser': `
    import { initBrowser } from '@wideline/browser';
    initBrowser({ serviceName: 'web', propagateTo: ['https://api.example.com'] });`,
  '@wideline/browser, fetch only': `
    import { fetchSpans, startBrowser } from '@wideline/browser';
    startBrowser({ serviceName: 'web', propagateTo: ['https://api.example.com'], redaction: false, features: [fetchSpans()] });`,
  '@wideline/browser, fetch + page load': `
    import { fetchSpans, pageLoad, startBrowser } from '@wideline/browser';
    startBrowser({ serviceName: 'web', propagateTo: ['https://api.example.com'], redaction: false, features: [fetchSpans(), pageLoad()] });`,
  'OTel web (sdk-trace-web + fetch + OTLP)': `
    import { WebTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-web';
    import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
    import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
    const provider = new WebTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
    provider.register();
    const fetchInstrumentation = new FetchInstrumentation({ propagateTraceHeaderCorsUrls: [/api\\.example\\.com/] });
    fetchInstrumentation.setTracerProvider(provider);`,
  '@sentry/browser + tracing': `
    import * as Sentry from '@sentry/browser';
    Sentry.init({ dsn: 'https://public@example.com/1', integrations: [Sentry.browserTracingIntegration()], tracesSampleRate: 1 });`,
  'exporter only: Wideline BrowserOtlpExporter': `
    import { BrowserOtlpExporter } from '@wideline/browser';
    window.exporter = new BrowserOtlpExporter({ url: 'https://otel.example.com/v1/traces' });`,
  'exporter only: OTLPTraceExporter 0.223.1 (browser build)': `
    import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
    window.exporter = new OTLPTraceExporter({ url: 'https://otel.example.com/v1/traces' });`,
  'vitals only: web-vitals 6.2.3': `
    import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';
    for (const on of [onCLS, onFCP, onINP, onLCP, onTTFB]) on(console.log, { reportAllChanges: true });`,
  "vitals only: Wideline's vitals.ts": `
    import { recordWebVitals } from '@wideline/browser/vitals';
    recordWebVitals({ setAttribute: console.log });`,
  'floor: @opentelemetry/api (trace + context)': `
    import { context, trace } from '@opentelemetry/api';
    window.span = trace.getSpan(context.active());`,
  'floor: api + sdk-trace-base provider, one span': `
    import { context, trace } from '@opentelemetry/api';
    import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    window.span = trace.getTracer('web').startSpan('x', {}, context.active());`,
  "floor: api + sdk-trace's TracerProvider (what Wideline's browser builds on), one span": `
    import { context, trace } from '@opentelemetry/api';
    import { resourceFromAttributes } from '@opentelemetry/resources';
    import { TracerProvider } from '@opentelemetry/sdk-trace';
    trace.setGlobalTracerProvider(new TracerProvider({ resource: resourceFromAttributes({}) }));
    window.span = trace.getTracer('web').startSpan('x', {}, context.active());`,
};

/**
 * The default bundle built up layer by layer: each entry holds everything the one above it does and
 * one thing more, so the difference between two rows is what that thing costs in this bundle (gzip
 * shares code between layers, so these are measured marginals, not standalone sizes). The last row
 * is `initBrowser`'s feature set passed to `startBrowser`. (Until the browser package measured the
 * vitals itself, a `web-vitals` layer sat between the SDK and `startBrowser`; `webVitals()` is now
 * a feature step of its own.)
 */
const SDK_FLOOR = "floor: api + sdk-trace's TracerProvider (what Wideline's browser builds on), one span";
const browserEntry = (features) => `
    import * as w from '@wideline/browser';
    w.startBrowser({ serviceName: 'web', propagateTo: ['https://api.example.com'],
      ${features.includes('redaction') ? '' : 'redaction: false, '}features: [${features.map((f) => `w.${f}()`).join(', ')}] });`;
// Features added a step at a time; with the last step the set is initBrowser's (defaultFeatures).
const featureSteps = [
  ['fetchSpans', 'xhrSpans'],
  ['pageLoad'],
  ['webVitals'],
  ['interactions', 'navigations'],
  ['sessions', 'offlineQueue'],
  ['redaction'],
];
const layers = [
  ['@opentelemetry/api (trace + context)', entries['floor: @opentelemetry/api (trace + context)']],
  ["+ sdk-trace's TracerProvider and a resource (the SDK Wideline builds on)", entries[SDK_FLOOR]],
  ['+ startBrowser, no features (config, pipeline, exporter, activities, errors, allowlists)', browserEntry([])],
  ...featureSteps.map((step, i) => [
    `+ ${step.map((f) => `${f}()`).join(', ')}${i === featureSteps.length - 1 ? ' (= every feature)' : ''}`,
    browserEntry(featureSteps.slice(0, i + 1).flat()),
  ]),
];

async function measure(contents) {
  const result = await bundle(contents);
  const bytes = result.outputFiles[0].contents;
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, metafile: result.metafile };
}

function bundle(contents) {
  return build({
    stdin: { contents, resolveDir: here, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Wideline from source, resolved like a published package (dist needs a build first).
    alias: {
      '@wideline/browser': fileURLToPath(new URL('../../packages/browser/src', import.meta.url)),
      '@wideline/core': fileURLToPath(new URL('../../packages/core/src', import.meta.url)),
    },
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}

/** `packages/browser/src/init.ts` → `browser/init.ts`; a dependency → its package name. */
function moduleName(path) {
  const ours = path.match(/packages\/(\w+)\/src\/(.+)$/);
  if (ours) return `${ours[1]}/${ours[2]}`;
  const dependency = path.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  return dependency ? dependency[1] : path;
}

/** Minified bytes per module in a bundle, and each module's pro-rata share of the gzip size. */
function moduleAccount(row) {
  const output = Object.values(row.metafile.outputs)[0];
  const sizes = new Map();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = moduleName(path);
    sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
  }
  return [...sizes]
    .filter(([, min]) => min > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, min]) => ({ name, min, gzip: (min / row.min) * row.gzip }));
}

const rows = [];
for (const [name, contents] of Object.entries(entries)) rows.push({ name, ...(await measure(contents)) });
const anchor = rows[0];
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log('| setup | minified | min + gzip | gzip vs @wideline/browser |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(`| ${row.name} | ${kb(row.min)} | ${kb(row.gzip)} | ${(row.gzip / anchor.gzip).toFixed(2)}× |`);
}

console.log('\nThe default bundle layer by layer (each row adds to the one above; the step is its measured cost):\n');
console.log('| layer | min + gzip | step |');
console.log('| --- | ---: | ---: |');
let below = 0;
for (const [name, contents] of layers) {
  const { gzip } = await measure(contents);
  console.log(`| ${name} | ${kb(gzip)} | ${below === 0 ? '' : `+${kb(gzip - below)}`} |`);
  below = gzip;
}

console.log('\nWhat the default bundle is made of (minified bytes per module; gzip share pro rata):\n');
console.log('| module | minified | ≈ gzip share |');
console.log('| --- | ---: | ---: |');
for (const module of moduleAccount(anchor)) console.log(`| ${module.name} | ${kb(module.min)} | ${kb(module.gzip)} |`);

const results = new BenchResults('browser-size', { runtime: 'browser' });
for (const row of rows) {
  const variant = VARIANT[row.name];
  results.add({ metric: 'bundle_min', variant, value: row.min, unit: 'B', kind: 'latency' });
  results.add({ metric: 'bundle_gzip', variant, value: row.gzip, unit: 'B', kind: 'latency' });
}
const otelWeb = rows.find((row) => VARIANT[row.name] === 'otel-web');
results.add({
  metric: 'bundle_gzip',
  variant: 'wideline / otel-web',
  value: anchor.gzip / otelWeb.gzip,
  unit: '×',
  kind: 'latency',
});
results.write();
