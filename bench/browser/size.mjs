/**
 * Bundle size of three ways to trace a page, each built the same way (esbuild, ESM, minified,
 * browser platform, one entry that starts tracing) and gzipped at level 9:
 *
 * - @wideline/browser: everything it does (page load, vitals, interactions, fetch/XHR, WebSocket,
 *   sessions, keepalive export with offline queue).
 * - OpenTelemetry web, hand-picked: sdk-trace-web + instrumentation-fetch + the OTLP/HTTP exporter
 *   (no page load, vitals, interactions, sessions, WebSocket or offline queue).
 * - @sentry/browser with browserTracingIntegration (Sentry's page-load, navigation and fetch tracing).
 *
 * Two more rows compare the exporters alone (each with the OTel API and SDK types it pulls in).
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
  'OTel web (sdk-trace-web + fetch + OTLP)': 'otel-web',
  '@sentry/browser + tracing': 'sentry',
  'exporter only: Wideline BrowserOtlpExporter': 'exporter-wideline',
  'exporter only: OTLPTraceExporter 0.223.1 (browser build)': 'exporter-otlp',
};

const entries = {
  '@wideline/browser': `
    import { initBrowser } from '@wideline/browser';
    initBrowser({ service: 'web', propagateTo: ['https://api.example.com'] });`,
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
};

async function measure(contents) {
  const result = await build({
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
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
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
