import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions, requireStack } from '@wideline/testkit';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { startSite } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    sitePort: number;
    browserWsEndpoint: string;
  }
}

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./fixtures/${entry}`, import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@wideline/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    jsx: 'automatic',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

export default async function setup(project: TestProject) {
  await requireStack();
  const bundles = new Map([
    ['app.js', await bundle('app.ts')],
    ['react-app.js', await bundle('react-app.tsx')],
    ['w3c-app.js', await bundle('w3c-app.ts')],
    ['parenting-app.js', await bundle('parenting-app.ts')],
    ['errors-app.js', await bundle('errors-app.ts')],
    ['vitals-app.js', await bundle('vitals-app.ts')],
  ]);
  const site = await startSite(bundles);
  const server = await chromium.launchServer(chromiumLaunchOptions());
  project.provide('sitePort', site.port);
  project.provide('browserWsEndpoint', server.wsEndpoint());
  return async () => {
    await server.close();
    await site.close();
  };
}
