// Which programs a command line runs inside an image, and whether the image has them (stack/images.mjs).
// A command is an argv (a health check's `CMD …`, a service's `command` or `entrypoint`); when it is a
// shell given `-c <script>`, every command word of the script counts too, and shell features the shell
// lacks (`/dev/tcp` redirections and `[[ … ]]` outside bash) are problems of their own.
import { basename } from 'node:path';
import { SHELL_BUILTINS } from './images.mjs';

const OPERATORS = ['&&', '||', ';;', '|', ';', '&', '(', ')', '{', '}', '!', '\n'];
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'while', 'until', 'do', 'done', 'case', 'esac']);
const REDIRECTION = /^\d*(<>|>>|<<|>&|<&|>|<)/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * Splits a shell script into words and operators, honouring quotes and backslashes. Command
 * substitutions (`$( … )` and backquotes) are returned as separate scripts to check.
 */
export function tokenize(script) {
  const tokens = [];
  const substitutions = [];
  let word = null;
  const flush = () => {
    if (word !== null) tokens.push({ word });
    word = null;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${script}`);
      word = (word ?? '') + script.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < script.length && script[j] !== '"'; j++) text += script[j] === '\\' ? script[++j] : script[j];
      if (j >= script.length) throw new Error(`unterminated " in: ${script}`);
      collectSubstitutions(text, substitutions);
      word = (word ?? '') + text;
      i = j;
    } else if (c === '\\') {
      word = (word ?? '') + (script[++i] ?? '');
    } else if (c === '$' && script[i + 1] === '(') {
      const end = matchingParen(script, i + 1);
      substitutions.push(script.slice(i + 2, end));
      word = `${word ?? ''}$(…)`;
      i = end;
    } else if (c === '`') {
      const end = script.indexOf('`', i + 1);
      substitutions.push(script.slice(i + 1, end));
      word = `${word ?? ''}$(…)`;
      i = end;
    } else if (c === ' ' || c === '\t') {
      flush();
    } else {
      const op = OPERATORS.find((o) => script.startsWith(o, i));
      // `>&3`, `<&3`, `3<>file` are redirections, not the `&` operator.
      if (op && !(op === '&' && /[<>]$/.test(word ?? ''))) {
        flush();
        tokens.push({ op });
        i += op.length - 1;
      } else {
        word = (word ?? '') + c;
      }
    }
  }
  flush();
  return { tokens, substitutions };
}

function matchingParen(script, open) {
  let depth = 0;
  for (let i = open; i < script.length; i++) {
    if (script[i] === '(') depth++;
    if (script[i] === ')' && --depth === 0) return i;
  }
  throw new Error(`unterminated $( in: ${script}`);
}

function collectSubstitutions(text, into) {
  for (let i = text.indexOf('$('); i >= 0; i = text.indexOf('$(', i + 1)) {
    into.push(text.slice(i + 2, matchingParen(text, i + 1)));
  }
}

/** The simple commands of a script: for each, the program word (or undefined) and its redirections. */
export function simpleCommands(script) {
  const { tokens, substitutions } = tokenize(script);
  const commands = [];
  let current = { program: undefined, words: [], redirections: [] };
  const end = () => {
    if (current.program !== undefined || current.redirections.length > 0) commands.push(current);
    current = { program: undefined, words: [], redirections: [] };
  };
  for (let i = 0; i < tokens.length; i++) {
    const { word, op } = tokens[i];
    if (op) {
      end();
      continue;
    }
    if (REDIRECTION.test(word)) {
      // `>&3` carries its target; `> file` takes the next word.
      const target = word.replace(REDIRECTION, '') || tokens[++i]?.word || '';
      current.redirections.push(target);
    } else if (current.program === undefined && ASSIGNMENT.test(word)) {
      // VAR=value before a command
    } else if (current.program === undefined && KEYWORDS.has(word)) {
      // `if`, `then`, … start a new command
    } else if (current.program === undefined) {
      current.program = word;
    } else {
      current.words.push(word);
    }
  }
  end();
  for (const inner of substitutions) commands.push(...simpleCommands(inner));
  return commands;
}

/**
 * What is wrong with running `argv` in an image with these facts: programs it lacks, shell features
 * its shell lacks. An empty list means the command can run there.
 * @param {string[]} argv
 * @param {import('./images.mjs').ImageFacts} facts
 * @returns {string[]}
 */
export function problems(argv, facts) {
  const found = [];
  const program = argv[0];
  if (!program) return ['empty command'];
  const name = basename(program);
  if (!facts.programs[name]) {
    found.push(`${program}: not in the image${facts.absent?.[name] ? ` (${facts.absent[name]})` : ''}`);
    return found;
  }
  const shell = facts.shells[name];
  const scriptAt = argv.indexOf('-c');
  if (shell && scriptAt > 0 && argv[scriptAt + 1] !== undefined) {
    found.push(...scriptProblems(argv[scriptAt + 1], shell.kind, facts));
  }
  return found;
}

function scriptProblems(script, kind, facts) {
  const found = [];
  for (const { program, redirections } of simpleCommands(script)) {
    for (const target of redirections) {
      if (/^\/dev\/(tcp|udp)\//.test(target) && kind !== 'bash')
        found.push(`${target}: only bash opens /dev/tcp, and this shell is ${kind}`);
    }
    if (program === undefined || program.includes('$(…)') || program.startsWith('$')) continue;
    if (SHELL_BUILTINS[kind].has(program)) continue;
    if (program === '[[') {
      found.push(`[[ … ]]: a bash keyword, and this shell is ${kind}`);
      continue;
    }
    found.push(...problems([program], facts));
  }
  return found;
}

/**
 * The argv Docker runs for a compose health check `test`: `CMD …` as is, `CMD-SHELL script` through
 * the image's default shell; undefined for `NONE`.
 */
export function healthcheckArgv(test, facts) {
  const [form, ...rest] = test;
  if (form === 'NONE') return undefined;
  if (form === 'CMD') return rest;
  if (form === 'CMD-SHELL') return [facts.defaultShell, '-c', rest.join(' ')];
  throw new Error(`unknown health check form ${form}`);
}
