/**
 * The install commands a README or guide tells its reader to run (`npm install …`, `npm i -D …`,
 * `pnpm add …`, `yarn add …` in its `sh` blocks), as package specs, so a scratch app installs exactly
 * what the page says.
 *
 * @module
 */
import type { Snippet } from '@wideline/testkit';

export interface InstallLine {
  file: string;
  line: number;
  /** Package specs as written (`react`, `@opentelemetry/context-async-hooks@2`, …). */
  specs: string[];
  dev: boolean;
}

const INSTALL = /^(?:npm\s+(?:install|i|add)|pnpm\s+(?:add|install|i)|yarn\s+add)\s+/;

/** Splits a command line like a POSIX shell would for the quoting these pages use. */
function words(command: string): string[] {
  const out: string[] = [];
  for (const match of command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(match[1] ?? match[2] ?? match[3] ?? '');
  return out;
}

/** The install commands of one page's `sh` blocks (a trailing `\` continues a line). */
export function installLines(snippets: Snippet[]): InstallLine[] {
  const out: InstallLine[] = [];
  for (const snippet of snippets.filter((s) => s.lang === 'sh' || s.lang === 'bash')) {
    const lines = snippet.code.split('\n');
    for (let i = 0; i < lines.length; i++) {
      let command = (lines[i] as string).replace(/\s+#.*$/, '').trim();
      const start = i;
      while (command.endsWith('\\') && i + 1 < lines.length) {
        i += 1;
        command = `${command.slice(0, -1)} ${(lines[i] as string).replace(/\s+#.*$/, '').trim()}`;
      }
      if (!INSTALL.test(command)) continue;
      const args = words(command.replace(INSTALL, ''));
      const dev = args.some((a) => a === '-D' || a === '--save-dev' || a === '--dev');
      const specs = args.filter((a) => !a.startsWith('-'));
      if (specs.length > 0) out.push({ file: snippet.file, line: snippet.line + start, specs, dev });
    }
  }
  return out;
}

/** `@scope/name@range` → `@scope/name`. */
export function specName(spec: string): string {
  const at = spec.indexOf('@', 1);
  return at === -1 ? spec : spec.slice(0, at);
}
