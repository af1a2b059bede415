import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** Bundles `code` (an app's entry importing `@wideline/browser`) the way an app's bundler would. */
async function bundle(code: string): Promise<{ gzip: number; text: string }> {
  const result = await build({
    stdin: { contents: code, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // The workspace's packages from source, resolved the way an app's bundler resolves published
    // packages (esbuild's custom `conditions` would switch dependencies to their CommonJS builds).
    alias: { '@wideline/browser': src, '@wideline/core': fileURLToPath(new URL('../../core/src', import.meta.url)) },
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output');
  return { gzip: gzipSync(output.contents, { level: 9 }).length, text: output.text };
}

/** A string each feature but fetch brings: web vitals, the offline queue, page load, sessions, navigations. */
const FEATURE_MARKERS = ['largest-contentful-paint', 'wideline.queue', 'documentLoad', 'wideline.session', 'pushState'];

describe('bundle size', () => {
  it('initBrowser brings every feature and nothing of React, Sentry or the Node OTLP exporter', async () => {
    const { gzip, text } = await bundle(
      `import { initBrowser } from '@wideline/browser'; initBrowser({ serviceName: 'web' });`,
    );
    // bench/browser reports the figure and its layer-by-layer account; this catches a feature or a
    // dependency slipping in. Measured 24 493 bytes here after issue 14's size pass and core's new
    // traceparent parser (this entry has no propagateTo); the bound leaves 50 bytes of margin.
    expect(gzip).toBeLessThanOrEqual(24_543);
    // OTEL_* parsing comes with envVariables(), which initBrowser leaves out, and WebSocket tracing
    // with a call of traceWebSocket.
    expect(text).not.toContain('OTEL_SERVICE_NAME');
    expect(text).not.toContain('wideline.ws.message_type');
    expect(text).not.toContain('react');
    expect(text).not.toContain('@sentry');
    expect(text).not.toContain('OTLPExporterBase');
    for (const marker of FEATURE_MARKERS) expect(text).toContain(marker);
  });

  it('startBrowser with fetch only leaves the other features out of the bundle', async () => {
    const { gzip, text } = await bundle(`
      import { fetchSpans, startBrowser } from '@wideline/browser';
      startBrowser({ serviceName: 'web', redaction: false, features: [fetchSpans()] });`);
    for (const marker of FEATURE_MARKERS) expect(text).not.toContain(marker);
    const full = await bundle(`import { initBrowser } from '@wideline/browser'; initBrowser({ serviceName: 'web' });`);
    // The other features are 4.7 KiB of the default bundle (bench/browser's layers).
    expect(gzip).toBeLessThan(full.gzip - 4 * 1024);
  });
});
