/**
 * The fenced code blocks of the READMEs and guides, so tests can compile and run them as printed.
 *
 * Two visible markers, on a block's first line, change how a block is taken:
 * - `// (continued)` — the block continues the previous block of the same file and language (a guide
 *   that builds one program step by step); they are compiled as one module.
 * - `// (fragment)` — the block is deliberately partial (e.g. one options object) and is not compiled.
 *   Keep these rare: every other block must compile on its own.
 *
 * A word after the language in the fence (```` ```ts browser ````) names the runtime a block is
 * checked for when its file's default does not fit.
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const CONTINUED_MARKER = '// (continued)';
export const FRAGMENT_MARKER = '// (fragment)';

/** One fenced code block. */
export interface Snippet {
  /** Path relative to the repository root, e.g. `docs/worker.md`. */
  file: string;
  /** Line (1-based) of the block's first code line in `file`. */
  line: number;
  lang: string;
  /** Words after the language in the fence. */
  meta: string[];
  code: string;
}

/** Consecutive blocks joined by `// (continued)`: one module to compile. */
export interface SnippetModule {
  file: string;
  line: number;
  lang: string;
  meta: string[];
  code: string;
  /** Which block each line of `code` came from, to report errors at the README's own line. */
  origin(line: number): { file: string; line: number };
  parts: Snippet[];
}

const FENCE = /^(\s*)(`{3,})([\w-]*)(.*)$/;

/** The fenced blocks of one Markdown file. */
export function readSnippets(repo: string, path: string): Snippet[] {
  const lines = readFileSync(join(repo, path), 'utf8').split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] as string);
    if (!open) continue;
    const [, indent = '', ticks = '', lang = '', rest = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] as string;
      if (line.trim() === ticks || (line.trim().startsWith(ticks) && line.trim().replaceAll('`', '') === '')) break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    out.push({
      file: path,
      line: i + 2,
      lang: lang.toLowerCase(),
      meta: rest.trim().split(/\s+/).filter(Boolean),
      code: `${body.join('\n')}\n`,
    });
    i = j;
  }
  return out;
}

/** The repository's Markdown: the root README, each package's README and the guides in `docs/`. */
export function documentationFiles(repo: string): string[] {
  const packages = readdirSync(join(repo, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join('packages', d.name, 'README.md'));
  const docs = readdirSync(join(repo, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  const exists = (p: string) => {
    try {
      readFileSync(join(repo, p));
      return true;
    } catch {
      return false;
    }
  };
  return ['README.md', ...packages, ...docs].filter(exists).map((p) => relative('.', p));
}

const firstLine = (code: string) => code.split('\n', 1)[0]?.trim() ?? '';
export const isFragment = (s: Snippet) => firstLine(s.code).startsWith(FRAGMENT_MARKER);
export const isContinued = (s: Snippet) => firstLine(s.code).startsWith(CONTINUED_MARKER);

/**
 * Groups `snippets` (one file's, in order) of the given languages into modules: a `// (continued)`
 * block joins the module before it; fragments are left out. A `// (continued)` block with nothing
 * before it is an error, named with its place.
 */
export function snippetModules(snippets: Snippet[], langs: readonly string[]): SnippetModule[] {
  const modules: SnippetModule[] = [];
  const last = new Map<string, SnippetModule>();
  for (const snippet of snippets) {
    if (!langs.includes(snippet.lang) || isFragment(snippet)) continue;
    const previous = last.get(`${snippet.file}\0${snippet.lang}`);
    if (isContinued(snippet)) {
      if (!previous) throw new Error(`${snippet.file}:${snippet.line}: ${CONTINUED_MARKER} follows no block`);
      previous.parts.push(snippet);
      previous.code += snippet.code;
      continue;
    }
    const module: SnippetModule = {
      file: snippet.file,
      line: snippet.line,
      lang: snippet.lang,
      meta: snippet.meta,
      code: snippet.code,
      parts: [snippet],
      origin(line: number) {
        let left = line;
        for (const part of this.parts) {
          const count = part.code.split('\n').length - 1;
          if (left <= count) return { file: part.file, line: part.line + left - 1 };
          left -= count;
        }
        return { file: this.file, line: this.line };
      },
    };
    modules.push(module);
    last.set(`${snippet.file}\0${snippet.lang}`, module);
  }
  return modules;
}
