/**
 * Packs every public package of the workspace the way a publish would (`pnpm pack`: `catalog:` and
 * `workspace:` replaced, the workspace's `beforePacking` hook applied) and unpacks each tarball next
 * to it, so tests read what a user's `npm install` would get, not the workspace's files.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const REPO = join(import.meta.dirname, '..', '..');

/** A package manifest, as far as these checks read it. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  types?: string;
  typesVersions?: Record<string, Record<string, string[]>>;
  exports?: Record<string, string | Record<string, string>>;
  bin?: Record<string, string>;
  files?: string[];
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

export interface PackedPackage {
  name: string;
  /** The package's folder in the workspace, e.g. `packages/core`. */
  dir: string;
  /** The workspace's package.json (what the repository says). */
  source: Manifest;
  tarball: string;
  /** The tarball's `package/` folder, unpacked. */
  unpacked: string;
  /** The tarball's package.json (what a user gets). */
  manifest: Manifest;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Every package under `packages/` that is published (not `private`). */
export function publicPackages(): Array<{ dir: string; source: Manifest }> {
  return readdirSync(join(REPO, 'packages'))
    .map((name) => join('packages', name))
    .filter((dir) => existsSync(join(REPO, dir, 'package.json')))
    .map((dir) => ({ dir, source: readJson<Manifest>(join(REPO, dir, 'package.json')) }))
    .filter(({ source }) => !source.private);
}

/**
 * Packs each public package into `dest`. Lifecycle scripts are skipped: `pnpm test` has just built
 * every package, and a `prepack` rebuild here would clean `dist/` under the other test projects that
 * run beside this one. The `prepack` script itself is checked on the source manifest.
 */
export function packAll(dest: string): PackedPackage[] {
  mkdirSync(dest, { recursive: true });
  return publicPackages().map(({ dir, source }) => {
    const cwd = join(REPO, dir);
    for (const target of [source.main, source.types]) {
      if (target && !existsSync(join(cwd, target)))
        throw new Error(`${source.name}: ${target} is missing. Build first: pnpm build (pnpm test builds)`);
    }
    const out = execFileSync('pnpm', ['pack', '--config.ignore-scripts=true', '--pack-destination', dest, '--json'], {
      cwd,
      encoding: 'utf8',
    });
    const { filename } = JSON.parse(out) as { filename: string };
    const unpacked = join(dest, 'unpacked', source.name.replace('/', '__'));
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', filename, '-C', unpacked]);
    const root = join(unpacked, 'package');
    return {
      name: source.name,
      dir,
      source,
      tarball: filename,
      unpacked: root,
      manifest: readJson(join(root, 'package.json')),
    };
  });
}
