/**
 * What a packed package's files import: every bare specifier reachable from one entry point,
 * following the package's own relative imports (bundler chunks), in JavaScript and declaration files
 * alike. Specifiers come from TypeScript's own pre-processor, so imports shown in comments (TSDoc
 * examples) are not counted.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/** `@scope/name/sub` → `@scope/name`; `node:fs` and `cloudflare:workers` stay as they are. */
export function packageOf(specifier: string): string {
  if (specifier.includes(':')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

function specifiersOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** A relative specifier as the file it names (`./chunk.js` is also looked up as `./chunk.d.ts`). */
function resolveRelative(from: string, specifier: string): string[] {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.d.ts'), `${base}.js`, `${base}.d.ts`];
  return candidates.filter((c) => c !== base || existsSync(c)).filter((c) => existsSync(c));
}

/** Bare packages imported from `entries` (files inside `root`), transitively through relative imports. */
export function importedPackages(root: string, entries: string[]): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((e) => join(root, e)).filter((f) => existsSync(f));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of specifiersOf(file)) {
      if (specifier.startsWith('.')) queue.push(...resolveRelative(file, specifier));
      else packages.add(packageOf(specifier));
    }
  }
  return packages;
}
