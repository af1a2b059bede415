/**
 * Type-checks README and guide snippets inside a scratch app, against the packages npm installed
 * there from the tarballs: each snippet (or run of `// (continued)` blocks) is one module, compiled
 * under strict TypeScript twice — `nodenext` and `bundler` resolution. Under `nodenext` declaration
 * files are checked too (`skipLibCheck: false`), and their errors kept for Wideline's own packages
 * only: a broken published declaration of ours fails here, while other libraries' declaration errors
 * are left out, as the `skipLibCheck: true` that `tsc --init` writes leaves them out of a user's
 * build (skipping them changes no type, only which diagnostics are reported). `bundler` skips them
 * (half the compile time; the declarations are the same files). Errors are reported at the page's
 * own line.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SnippetModule } from '@wideline/testkit';
import { APPS, type ScratchApp } from './apps';

export type Resolution = 'nodenext' | 'bundler';
export const RESOLUTIONS: readonly Resolution[] = ['nodenext', 'bundler'];

/** A module's file name in the app: the page and line it starts at, e.g. `docs__worker.md-36.ts`. */
function fileName(module: SnippetModule): string {
  const ext = module.lang === 'tsx' ? 'tsx' : module.lang === 'js' ? 'js' : 'ts';
  return `${module.file.replaceAll('/', '__')}-${module.line}.${ext}`;
}

function tsconfig(app: ScratchApp, resolution: Resolution): Record<string, unknown> {
  const { types, lib, jsx } = APPS[app.runtime];
  return {
    compilerOptions: {
      strict: true,
      target: 'ES2023',
      lib,
      types,
      ...(resolution === 'nodenext'
        ? { module: 'nodenext', moduleResolution: 'nodenext' }
        : { module: 'esnext', moduleResolution: 'bundler' }),
      // Each snippet is a module of its own, even one without an import.
      moduleDetection: 'force',
      skipLibCheck: resolution === 'bundler',
      allowJs: true,
      checkJs: true,
      noEmit: true,
      ...(jsx ? { jsx } : {}),
    },
    include: ['snippets'],
  };
}

/** One compiler error, placed on the page. */
export interface SnippetError {
  resolution: Resolution;
  /** `docs/worker.md:41` — or a library file when the error is in a published declaration. */
  where: string;
  message: string;
}

/** Writes the modules into `app/snippets` and compiles them under each resolution (side by side). */
export async function typecheckSnippets(app: ScratchApp, modules: SnippetModule[]): Promise<SnippetError[]> {
  const dir = join(app.dir, 'snippets');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const byFile = new Map<string, SnippetModule>();
  for (const module of modules) {
    byFile.set(`snippets/${fileName(module)}`, module);
    writeFileSync(join(dir, fileName(module)), module.code);
  }
  const tsc = join(app.dir, 'node_modules', 'typescript', 'bin', 'tsc');
  const runs = RESOLUTIONS.map(async (resolution) => {
    const config = `tsconfig.${resolution}.json`;
    writeFileSync(join(app.dir, config), `${JSON.stringify(tsconfig(app, resolution), null, 2)}\n`);
    let output = '';
    try {
      await promisify(execFile)(process.execPath, [tsc, '-p', config, '--pretty', 'false'], {
        cwd: app.dir,
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    return parseTscOutput(output, resolution, byFile).filter((e) => !isOtherLibrary(e.where));
  });
  return (await Promise.all(runs)).flat();
}

/** An error inside another library's declarations (`node_modules/…`, not `node_modules/@wideline/…`). */
function isOtherLibrary(where: string): boolean {
  return where.includes('node_modules/') && !where.includes('node_modules/@wideline/');
}

/** `snippets/x.ts(12,5): error TS2304: …` lines (and their indented continuations) → errors on the page. */
function parseTscOutput(output: string, resolution: Resolution, byFile: Map<string, SnippetModule>): SnippetError[] {
  const errors: SnippetError[] = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line);
    if (match) {
      const [, file = '', row = '0', , message = ''] = match;
      const module = byFile.get(file);
      const origin = module?.origin(Number(row));
      errors.push({ resolution, where: origin ? `${origin.file}:${origin.line}` : `${file}:${row}`, message });
    } else if (line.startsWith('  ') && errors.length > 0) {
      (errors.at(-1) as SnippetError).message += `\n${line}`;
    } else if (line.trim() !== '') {
      errors.push({ resolution, where: '(tsc)', message: line });
    }
  }
  return errors;
}
