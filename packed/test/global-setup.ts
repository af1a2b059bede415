import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createApp, type Runtime, type ScratchApp } from '../src/apps';
import { type PackedPackage, packAll } from '../src/pack';

declare module 'vitest' {
  export interface ProvidedContext {
    packed: { root: string; packages: PackedPackage[]; apps: Record<Runtime, ScratchApp> };
  }
}

/**
 * Packs every public package into a fresh folder under the OS temp dir, far from any workspace link,
 * and makes the three scratch apps from those tarballs (their npm installs run side by side).
 */
export default async function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'wideline-packed-'));
  const packages = packAll(join(root, 'tarballs'));
  const runtimes: Runtime[] = ['node', 'worker', 'browser'];
  const made = await Promise.all(runtimes.map((runtime) => createApp(root, runtime, packages))).catch((error) => {
    if (!process.env.WIDELINE_KEEP_PACKED) rmSync(root, { recursive: true, force: true });
    throw error;
  });
  const apps = Object.fromEntries(made.map((app) => [app.runtime, app])) as Record<Runtime, ScratchApp>;
  console.log(`packed: npm install ${made.map((a) => `${a.runtime} ${a.installSeconds.toFixed(1)} s`).join(', ')}`);
  project.provide('packed', { root, packages, apps });
  return () => {
    // WIDELINE_KEEP_PACKED=1 leaves the tarballs and scratch apps for a look after a failure.
    if (process.env.WIDELINE_KEEP_PACKED) console.log(`packed: kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
}
