/**
 * Files of the scratch apps taken from the guides as printed: the block a page labels with a file
 * name on its first line (`// wrangler.jsonc`), and the page's program (its module with a default
 * export, or the one that uses a given API).
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readSnippets, type Snippet, type SnippetModule, snippetModules } from '@wideline/testkit';
import { REPO } from './pack';

/** The block of `page` whose first line is `// <name>` or `<!-- <name> -->` (a file the page shows whole). */
export function labelledBlock(page: string, name: string): Snippet {
  const block = readSnippets(REPO, page).find((s) => {
    const first = s.code.split('\n', 1)[0]?.trim() ?? '';
    return first.startsWith(`// ${name}`) || first === `<!-- ${name} -->`;
  });
  if (!block) throw new Error(`${page}: no code block starts with "// ${name}" or "<!-- ${name} -->"`);
  return block;
}

/** The module of `page` (its `// (continued)` blocks joined) whose code contains `marker`. */
export function pageModule(page: string, langs: readonly string[], marker: string): SnippetModule {
  const found = snippetModules(readSnippets(REPO, page), langs).find((m) => m.code.includes(marker));
  if (!found) throw new Error(`${page}: no ${langs.join('/')} block contains ${JSON.stringify(marker)}`);
  return found;
}

/** Writes `content` to `dir/path`, making folders as needed. */
export function writeAppFile(dir: string, path: string, content: string): string {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}
