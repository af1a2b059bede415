/**
 * Scratch apps made the way a new user makes one: a fresh folder outside the workspace (no workspace
 * links, no pnpm), `npm install` of exactly what the pages' install lines say, with Wideline's own
 * packages taken from the packed tarballs instead of the registry.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readSnippets } from '@wideline/testkit';
import { type InstallLine, installLines, specName } from './install-lines';
import { type PackedPackage, REPO, readJson } from './pack';

export type Runtime = 'node' | 'worker' | 'browser';

/** One scratch app per runtime, and the pages it installs from and checks. */
export const APPS: Record<Runtime, { pages: string[]; types: string[]; lib: string[]; jsx?: string }> = {
  node: {
    pages: [
      'docs/bullmq.md',
      'packages/bullmq/README.md',
      'packages/core/README.md',
      'packages/query/README.md',
      'docs/redaction.md',
      'docs/sampling.md',
    ],
    types: ['node'],
    lib: ['ES2023'],
  },
  worker: {
    pages: ['docs/worker.md', 'packages/worker/README.md'],
    types: ['@cloudflare/workers-types'],
    lib: ['ES2023'],
  },
  browser: {
    pages: ['docs/browser.md', 'packages/browser/README.md', 'docs/cors.md', 'docs/browser-parenting.md'],
    types: ['vite/client'],
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    jsx: 'react-jsx',
  },
};

/** Tools every scratch app gets beside what its pages install: the compiler the checks run. */
function toolSpecs(): string[] {
  const catalog = readFileSync(join(REPO, 'pnpm-workspace.yaml'), 'utf8');
  const version = /^\s+typescript:\s*(\S+)/m.exec(catalog)?.[1];
  if (!version) throw new Error('pnpm-workspace.yaml: no typescript entry in the catalog');
  return [`typescript@${version}`];
}

export interface ScratchApp {
  runtime: Runtime;
  dir: string;
  /** The install lines it was made from. */
  lines: InstallLine[];
  /** Seconds `npm install` took. */
  installSeconds: number;
}

/**
 * Runs npm as a user would: the npm on PATH under the Node running the tests (a Node 20 npm would
 * resolve other versions: npm picks the newest release whose `engines` admit the Node it runs on),
 * in a bounded time, so a hang fails loudly.
 */
export async function npm(args: string[], cwd: string): Promise<string> {
  const cache = process.env.WIDELINE_CACHE ? ['--cache', join(process.env.WIDELINE_CACHE, 'npm')] : [];
  try {
    const { stdout } = await promisify(execFile)('npm', [...args, ...cache], {
      cwd,
      encoding: 'utf8',
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
      env: userEnv(),
    });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; killed?: boolean; code?: string };
    if (e.code === 'ENOENT')
      throw new Error('npm is not on PATH: the packed-package tests install with npm, as a user would');
    const hint = e.killed ? '\nnpm did not finish within 5 minutes (killed).' : '';
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}${e.stderr ?? ''}${hint}`);
  }
}

/**
 * The environment of a user's shell: without the `npm_config_*` (and `npm_package_*`, `npm_lifecycle_*`)
 * variables a package manager running this test exports, so the workspace's `.npmrc` (e.g.
 * `engine-strict`) does not leak into the scratch app's install.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, npm_config_update_notifier: 'false' };
}

/**
 * Makes the scratch app for `runtime` under `root`: a package.json of its own (`"type": "module"`,
 * as the pages say), then one `npm install` of every spec its pages' install lines name, with each
 * `@wideline/*` spec replaced by that package's tarball (and `@wideline/core`'s always added, as the
 * registry would supply it).
 */
export async function createApp(root: string, runtime: Runtime, packed: PackedPackage[]): Promise<ScratchApp> {
  const dir = join(root, 'apps', runtime);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `wideline-scratch-${runtime}`, private: true, type: 'module' }, null, 2)}\n`,
  );
  const lines = APPS[runtime].pages.flatMap((page) => installLines(readSnippets(REPO, page)));
  const tarball = (name: string) => packed.find((p) => p.name === name)?.tarball;
  const specs = new Set<string>();
  for (const line of lines) {
    for (const spec of line.specs) {
      const name = specName(spec);
      if (name.startsWith('@wideline/')) {
        const file = tarball(name);
        if (!file) throw new Error(`${line.file}:${line.line}: ${name} is not a package of this repository`);
        specs.add(file);
      } else specs.add(spec);
    }
  }
  specs.add(tarball('@wideline/core') as string);
  for (const tool of toolSpecs()) specs.add(tool);
  const started = Date.now();
  await npm(['install', '--no-audit', '--no-fund', ...specs], dir);
  return { runtime, dir, lines, installSeconds: (Date.now() - started) / 1000 };
}

/** The version of `name` installed in a scratch app. */
export function installedVersion(app: ScratchApp, name: string): string {
  return readJson<{ version: string }>(join(app.dir, 'node_modules', name, 'package.json')).version;
}
