/**
 * A malformed query: says what is wrong, where (a column in the text), and what would be right —
 * the nearest field name for an unknown field. Exit code 2, like every other bad command line.
 *
 * @module
 */
import { UsageError } from '../errors.ts';

/** An error at a position of a query text (a `--where`, an aggregate list, a rule, SQL). */
export class QuerySyntaxError extends UsageError {
  /** What was being parsed, e.g. `--where` or `rule "api errors"`. */
  readonly context: string;
  readonly text: string;
  /** Zero-based offset of the first wrong character. */
  readonly position: number;
  readonly length: number;
  /** The bare reason, without the caret lines. */
  readonly reason: string;

  constructor(context: string, text: string, position: number, length: number, reason: string) {
    super(`${context}: ${reason} (at column ${position + 1})\n${caret(text, position, length)}`);
    this.context = context;
    this.text = text;
    this.position = position;
    this.length = length;
    this.reason = reason;
  }
}

/** The text, and a line of `^` under the part from `position` (at least one character). */
export function caret(text: string, position: number, length: number): string {
  const line = text.replace(/[\r\n\t]/g, ' ');
  const at = Math.max(0, Math.min(position, line.length));
  return `  ${line}\n  ${' '.repeat(at)}${'^'.repeat(Math.max(1, Math.min(length, line.length - at || 1)))}`;
}
