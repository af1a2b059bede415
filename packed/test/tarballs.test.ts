import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { importedPackages } from '../src/module-graph';
import { type Manifest, type PackedPackage, REPO, readJson } from '../src/pack';

const { packages } = inject('packed');
const LICENSE = readFileSync(join(REPO, 'LICENSE'), 'utf8');
const summary: string[] = [];

/**
 * Peers a package declares for version compatibility without importing them: Workers' global types
 * (ambient, no import), and `@sentry/react`, which `@wideline/browser/react` meets structurally.
 */
const AMBIENT_PEERS: Record<string, string[]> = {
  '@wideline/worker': ['@cloudflare/workers-types'],
  '@wideline/browser': ['@sentry/react'],
};

/** Export targets: subpath → { types, default }. */
function targets(manifest: Manifest): Array<{ subpath: string; types?: string | undefined; js?: string | undefined }> {
  return Object.entries(manifest.exports ?? {})
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, value]) =>
      typeof value === 'string' ? { subpath, js: value } : { subpath, types: value.types, js: value.default },
    );
}

function entryFiles(manifest: Manifest, subpath: string): string[] {
  const t = targets(manifest).find((x) => x.subpath === subpath);
  return [t?.types, t?.js].filter((f): f is string => f !== undefined);
}

/** The version the workspace installed for one of a package's dependencies (what its lockfile pins). */
function workspaceVersion(pkg: PackedPackage, dependency: string): string {
  return readJson<{ version: string }>(join(REPO, pkg.dir, 'node_modules', dependency, 'package.json')).version;
}

describe.each(packages.map((p) => [p.name, p] as const))('%s, as packed', (name, pkg) => {
  const { manifest, source } = pkg;

  it('has nothing publint would say, suggestions included', async () => {
    const tarball = readFileSync(pkg.tarball);
    const { messages } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    summary.push(`${name}: publint ${messages.length === 0 ? 'all good' : `${messages.length} messages`}`);
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, manifest, { color: false })}`)).toEqual([]);
  });

  it('has types that arethetypeswrong finds under every resolution (ESM-only: no CommonJS entry)', async () => {
    const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(pkg.tarball))));
    if (!analysis.types) throw new Error(`${name}: arethetypeswrong found no types at all`);
    // The packages are ES modules only, by design: `require()` from CommonJS under node16 resolves to
    // ESM, which attw reports as CJSResolvesToESM (its `esm-only` profile ignores that resolution).
    const problems = analysis.problems.filter(
      (p) => !(p.kind === 'CJSResolvesToESM' && 'resolutionKind' in p && p.resolutionKind === 'node16-cjs'),
    );
    expect(problems).toEqual([]);
    for (const [subpath, entry] of Object.entries(analysis.entrypoints)) {
      if (subpath === './package.json') continue;
      const line = (['node10', 'node16-esm', 'bundler'] as const).map((kind) => {
        const resolution = entry.resolutions[kind].resolution;
        expect(resolution?.isTypeScript, `${name} ${subpath} has types under ${kind}`).toBe(true);
        return `${kind} ok`;
      });
      summary.push(`${name}${subpath.slice(1)}: attw ${line.join(', ')}, node16-cjs ESM only`);
    }
  });

  it('ships main, types (and typesVersions for subpaths), every export target, README and the LICENSE', () => {
    const files = new Set(filesIn(pkg.unpacked));
    const root = targets(manifest).find((t) => t.subpath === '.');
    expect(manifest.main).toBe(root?.js);
    expect(manifest.types).toBe(root?.types);
    for (const t of targets(manifest)) {
      for (const file of [t.js, t.types]) if (file) expect(files, `${t.subpath} → ${file}`).toContain(file.slice(2));
      // TypeScript's `moduleResolution: node` reads no `exports`: each subpath needs a typesVersions entry.
      if (t.subpath !== '.') expect(manifest.typesVersions?.['*']?.[t.subpath.slice(2)]).toEqual([t.types]);
    }
    for (const bin of Object.values(manifest.bin ?? {})) expect(files).toContain(bin.replace(/^\.\//, ''));
    expect(files).toContain('README.md');
    expect(manifest.license).toBe('Apache-2.0');
    expect(readFileSync(join(pkg.unpacked, 'LICENSE'), 'utf8')).toBe(LICENSE);
  });

  it('names its repository and folder, and builds before it is packed', () => {
    expect(manifest.repository).toEqual({
      type: 'git',
      url: packages[0]?.manifest.repository?.url,
      directory: pkg.dir,
    });
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\/.+\.git$/);
    expect(source.scripts?.prepack).toBe('pnpm run build');
    expect(source.scripts?.build).toBeTruthy();
  });

  it('depends on ranges a user app can share: a caret on the exact version this repository tests', () => {
    const published = { ...manifest.dependencies, ...manifest.peerDependencies };
    for (const [dep, spec] of Object.entries(published)) expect(spec, dep).not.toMatch(/^(workspace|catalog):/);
    for (const [dep, spec] of Object.entries(manifest.dependencies ?? {})) {
      expect(spec, `${name} → ${dep}`).toBe(`^${workspaceVersion(pkg, dep)}`);
    }
  });

  it('imports exactly what it declares: dependencies from its main entry, optional peers from some entry', () => {
    const all = targets(manifest).flatMap((t) => entryFiles(manifest, t.subpath));
    const fromRoot = importedPackages(pkg.unpacked, entryFiles(manifest, '.'));
    const fromAny = importedPackages(pkg.unpacked, all);
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const undeclared = [...fromAny].filter((p) => !declared.has(p) && !builtins.has(p) && p !== name);
    expect(undeclared, 'imported but not declared').toEqual([]);
    const optional = (dep: string) => manifest.peerDependenciesMeta?.[dep]?.optional === true;
    // A required dependency or peer is something every user of the main entry needs: anything only a
    // subpath imports (e.g. core's Node-only exporter) must be an optional peer, so browser and
    // Worker installs never get it.
    const required = [...declared].filter((dep) => !optional(dep));
    expect(
      required.filter((dep) => !fromRoot.has(dep)),
      'required but not imported by the main entry',
    ).toEqual([]);
    const ambient = AMBIENT_PEERS[name] ?? [];
    const optionals = [...declared].filter(optional);
    expect(
      optionals.filter((dep) => !fromAny.has(dep) && !ambient.includes(dep)),
      'optional but never imported',
    ).toEqual([]);
  });
});

it('gives @wideline/query only the dependencies its README names: the query engines and the rules parser', () => {
  const query = packages.find((p) => p.name === '@wideline/query');
  expect(Object.keys(query?.manifest.dependencies ?? {}).sort()).toEqual(['@clickhouse/client', 'chdb', 'yaml']);
  expect(query?.manifest.peerDependencies ?? {}).toEqual({});
});

afterAll(() => {
  // The closing note's tarball table: one line per package and entry point.
  console.log(`\nTarball checks\n${summary.sort().join('\n')}`);
});

/** Every file under `dir`, relative to it. */
function filesIn(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1));
}
