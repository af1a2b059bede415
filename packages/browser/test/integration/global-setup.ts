/**
 * One build, one site and one Chromium for the whole browser suite: the SDK bundles are built with
 * esbuild from source, the site serves them, and Debian's Chromium runs as a Playwright browser
 * server that every test file connects to (a new context per test, so storage starts empty).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { requireStack } from '@wideline/testkit';
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

export const CHROMIUM = process.env.WIDELINE_CHROMIUM ?? '/usr/bin/chromium';

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
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install it with: apt-get install -y chromium`);
  }
  const bundles = new Map([
    ['app.js', await bundle('app.ts')],
    ['react-app.js', await bundle('react-app.tsx')],
  ]);
  const site = await startSite(bundles);
  const server = await chromium.launchServer({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  project.provide('sitePort', site.port);
  project.provide('browserWsEndpoint', server.wsEndpoint());
  return async () => {
    await server.close();
    await site.close();
  };
}
