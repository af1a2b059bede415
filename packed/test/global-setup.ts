import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type PackedPackage, packAll } from '../src/pack';

declare module 'vitest' {
  export interface ProvidedContext {
    packed: { root: string; packages: PackedPackage[] };
  }
}

/** Packs every public package into a fresh folder under the OS temp dir, far from any workspace link. */
export default function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'wideline-packed-'));
  project.provide('packed', { root, packages: packAll(join(root, 'tarballs')) });
  return () => {
    // WIDELINE_KEEP_PACKED=1 leaves the tarballs and scratch apps for a look after a failure.
    if (process.env.WIDELINE_KEEP_PACKED) console.log(`packed: kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
}
