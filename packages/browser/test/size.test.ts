import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The budget for the whole SDK without React and Sentry, minified and gzipped: 25 KiB, raised to
 * 28 KiB for the parenting model, the error tracker, URL templates (issue 15/12: 27.2 KiB with them)
 * and core's shared propagateTo grammar. What an app that imports fewer features pays is
 * bench/browser's figure.
 */
const BUDGET_BYTES = 28 * 1024;

async function bundleSize(entry: string): Promise<{ gzip: number; text: string }> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // The workspace's core from source, resolved the way an app's bundler resolves published packages
    // (esbuild's custom `conditions` would switch dependencies to their CommonJS builds).
    alias: { '@wideline/core': fileURLToPath(new URL('../../core/src', import.meta.url)) },
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output');
  return { gzip: gzipSync(output.contents, { level: 9 }).length, text: output.text };
}

describe('bundle size', () => {
  it(`keeps @wideline/browser (everything an app imports, with its dependencies) within ${BUDGET_BYTES} bytes gzip`, async () => {
    const { gzip, text } = await bundleSize('../src/index.ts');
    expect(gzip).toBeLessThanOrEqual(BUDGET_BYTES);
    // What the size is made of: the SDK and web-vitals, not React, Sentry or the Node OTLP exporter.
    expect(text).not.toContain('react');
    expect(text).not.toContain('@sentry');
    expect(text).not.toContain('OTLPExporterBase');
    expect(text).toContain('largest-contentful-paint');
  });
});
