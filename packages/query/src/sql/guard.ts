/**
 * Keeps `wideline sql` read-only. A query is accepted only when it is one statement, starts with
 * `SELECT`, `WITH` or `(`, has no `INTO OUTFILE` or `FORMAT` clause, and the engine's own parser
 * (`EXPLAIN AST`) says it is a `SELECT`. On top of that the engine runs it with `readonly` set, so
 * nothing that got past the checks could write.
 *
 * @module
 */
import { QuerySyntaxError } from '../model/syntax-error.ts';

/** A word of SQL outside strings, quoted names and comments, with its offset. */
interface SqlWord {
  word: string;
  start: number;
  depth: number;
}

/** Top-level structure of a SQL text: its words (upper-cased) and the offsets of top-level `;`. */
export function scanSql(sql: string): { words: SqlWord[]; semicolons: number[] } {
  const words: SqlWord[] = [];
  const semicolons: number[] = [];
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const two = sql.slice(i, i + 2);
    if (two === '--' || ch === '#') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (two === '/*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      i = skipQuoted(sql, i);
    } else if (ch === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))![0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
    } else if (ch === '(') {
      depth++;
      i++;
    } else if (ch === ')') {
      depth--;
      i++;
    } else if (ch === ';') {
      semicolons.push(i);
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const start = i;
      while (i < sql.length && /\w/.test(sql[i]!)) i++;
      words.push({ word: sql.slice(start, i).toUpperCase(), start, depth });
    } else {
      i++;
    }
  }
  return { words, semicolons };
}

function skipQuoted(sql: string, start: number): number {
  const q = sql[start]!;
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '\\') i += 2;
    else if (sql[i] === q && sql[i + 1] === q) i += 2;
    else if (sql[i] === q) return i + 1;
    else i++;
  }
  return sql.length;
}

/**
 * Checks the text of a `wideline sql` query and returns it without a trailing `;`. Throws
 * {@link QuerySyntaxError} pointing at what is refused.
 */
export function checkReadOnlySql(sql: string): string {
  const fail = (at: number, length: number, reason: string): never => {
    throw new QuerySyntaxError('sql', sql, at, length, reason);
  };
  const { words, semicolons } = scanSql(sql);
  const trimmed = sql.trimEnd();
  const end = semicolons[0];
  if (end !== undefined && stripNoise(sql.slice(end + 1)) !== '')
    fail(end, 1, 'one statement at a time: wideline sql runs a single SELECT');
  const first = words[0];
  const opensWithParen = stripNoise(sql).startsWith('(');
  if (!first) fail(0, trimmed.length, 'empty query: write a SELECT, e.g. SELECT count() FROM events');
  if (!opensWithParen && first!.word !== 'SELECT' && first!.word !== 'WITH')
    fail(
      first!.start,
      first!.word.length,
      `only SELECT (or WITH … SELECT) is allowed, not ${first!.word}: wideline sql never changes stored data`,
    );
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (w.depth !== 0) continue;
    if (w.word === 'INTO' && words[k + 1]?.word === 'OUTFILE')
      fail(w.start, 'INTO OUTFILE'.length, 'INTO OUTFILE is not allowed: print with --json or --csv and redirect');
    if (w.word === 'FORMAT' && k > 0 && words[k + 1] && /^[A-Z]/.test(words[k + 1]!.word) && isClauseFormat(sql, w))
      fail(w.start, 6, 'a FORMAT clause is not allowed: use --json or --csv');
  }
  return end === undefined ? sql : sql.slice(0, end);
}

/** The text without comments, whitespace and semicolons (strings are kept). */
function stripNoise(text: string): string {
  return text.replace(/--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/|\s|;/g, '');
}

/** `FORMAT JSON` as a clause (a keyword followed by a format name), not a column called `format`. */
function isClauseFormat(sql: string, w: SqlWord): boolean {
  const before = sql.slice(0, w.start).trimEnd();
  return !before.endsWith(',') && !before.endsWith('(') && !/\bSELECT$/i.test(before) && !/\bAS$/i.test(before);
}

/** True when `EXPLAIN AST` output describes one plain SELECT (no FORMAT / INTO OUTFILE child). */
export function isSelectAst(ast: string): boolean {
  const first = ast.trimStart().split('\n')[0] ?? '';
  return /^SelectWithUnionQuery \(children 1\)$/.test(first.trim());
}
