import { builtinModules } from 'node:module';
import {
  documentationFiles,
  isFragment,
  readSnippets,
  type Snippet,
  type SnippetModule,
  snippetModules,
} from '@wideline/testkit';
import ts from 'typescript';
import { describe, expect, inject, it } from 'vitest';
import { APPS, type Runtime } from '../src/apps';
import { installLines, specName } from '../src/install-lines';
import { packageOf } from '../src/module-graph';
import { REPO } from '../src/pack';
import { typecheckSnippets } from '../src/typecheck';

const { apps } = inject('packed');
const CODE = ['ts', 'tsx', 'js'] as const;
const RUNTIMES = Object.keys(APPS) as Runtime[];

/** The page each runtime's app is made from; a block says `ts browser` (etc.) to go elsewhere. */
function runtimeOf(module: SnippetModule): Runtime {
  const named = module.meta.find((word): word is Runtime => (RUNTIMES as string[]).includes(word));
  if (named) return named;
  const home = RUNTIMES.find((r) => APPS[r].pages.includes(module.file));
  if (!home)
    throw new Error(`${module.file}: no scratch app checks this page's snippets; add it to APPS in packed/src/apps.ts`);
  return home;
}

const pages = documentationFiles(REPO);
const snippets = new Map<string, Snippet[]>(pages.map((page) => [page, readSnippets(REPO, page)]));
const modules = pages.flatMap((page) => snippetModules(snippets.get(page) ?? [], CODE));

describe.each(RUNTIMES)('the %s pages’ snippets, in a scratch app installed from the tarballs', (runtime) => {
  const mine = modules.filter((m) => runtimeOf(m) === runtime);

  it('compile under strict TypeScript with nodenext and with bundler resolution', async () => {
    expect(mine.length).toBeGreaterThan(0);
    const errors = await typecheckSnippets(apps[runtime], mine);
    expect(errors.map((e) => `${e.where} (${e.resolution}): ${e.message}`)).toEqual([]);
  });
});

it('checks every TypeScript block of every page, and leaves out only the few marked fragments', () => {
  const fragments = [...snippets.values()].flat().filter((s) => CODE.includes(s.lang as never) && isFragment(s));
  console.log(`snippets: ${modules.length} modules checked, ${fragments.length} fragments left out`);
  for (const module of modules) expect(() => runtimeOf(module)).not.toThrow();
  expect(fragments.map((f) => `${f.file}:${f.line}`).length).toBeLessThanOrEqual(3);
});

it('imports, on each page, only packages that page tells its reader to install', () => {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const missing: string[] = [];
  for (const page of pages) {
    const lines = installLines(snippets.get(page) ?? []);
    if (lines.length === 0) continue; // pages without an install line lean on the package README's
    const installed = new Set(lines.flatMap((l) => l.specs.map(specName)));
    for (const module of modules.filter((m) => m.file === page)) {
      for (const { fileName } of ts.preProcessFile(module.code, true, true).importedFiles) {
        if (fileName.startsWith('.') || fileName.startsWith('cloudflare:')) continue;
        const name = packageOf(fileName);
        if (!installed.has(name) && !builtins.has(name)) missing.push(`${page}:${module.line} imports ${name}`);
      }
    }
  }
  expect(missing).toEqual([]);
});
