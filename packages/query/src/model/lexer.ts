/**
 * Tokens of the query language (`--where`, aggregates, rule conditions). Every token keeps its
 * offsets so errors can point at it. Values people type unquoted — `/api/orders`, `o-6b0fde`, `1.4.2`,
 * `ewr` — are single words; `250ms`, `2s` are durations and `5%` a percentage.
 *
 * @module
 */
import { QuerySyntaxError } from './syntax-error.ts';

/** Kinds of token. `word` is an unquoted name or value; `quoted` came in '…', "…" or `…`. */
export type TokenKind = 'word' | 'quoted' | 'number' | 'duration' | 'percent' | 'op' | '(' | ')' | ',' | 'end';

/** One token and where it is. */
export interface Token {
  kind: TokenKind;
  /** The token's value: unquoted text, the operator, or the number's digits. */
  text: string;
  /** Numbers: the value; durations: milliseconds; percentages: a fraction (5% → 0.05). */
  value: number;
  /** The quote character of a `quoted` token. */
  quote: string;
  start: number;
  end: number;
}

const DURATION_MS: Record<string, number> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const OPERATORS = ['==', '!=', '<>', '<=', '>=', '!~', '=', '<', '>', '~'];
const WORD_START = /[\p{L}_@$/*.:-]/u;
const WORD_PART = /[\p{L}\p{N}_@$/*.:#+\-[\]]/u;
const NUMBER = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/;

/** Splits `text` into tokens, ending with an `end` token. `context` names the input in errors. */
export function tokenize(text: string, context: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number, extra: Partial<Token> = {}) =>
    tokens.push({ kind, text: value, value: Number.NaN, quote: '', start, end: i, ...extra });
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === '(' || ch === ')' || ch === ',') {
      i++;
      push(ch, ch, start);
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      i = readQuoted(text, i, context);
      const raw = text.slice(start + 1, i - 1);
      push(
        'quoted',
        raw.replace(new RegExp(`\\\\(.)|${ch}${ch}`, 'g'), (_, esc) => esc ?? ch),
        start,
        { quote: ch },
      );
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    const number = NUMBER.exec(text.slice(i));
    if (number && (ch !== '-' || /[\d.]/.test(text[i + 1] ?? ''))) {
      const after = text.slice(i + number[0].length);
      const unit = /^(us|µs|ms|s|m|h|d)(?![\p{L}\p{N}_])/u.exec(after);
      if (unit) {
        i += number[0].length + unit[0].length;
        push('duration', text.slice(start, i), start, { value: Number(number[0]) * DURATION_MS[unit[1]!]! });
        continue;
      }
      if (after.startsWith('%')) {
        i += number[0].length + 1;
        push('percent', text.slice(start, i), start, { value: Number(number[0]) / 100 });
        continue;
      }
      if (!WORD_PART.test(after[0] ?? ' ') || after[0] === '-') {
        i += number[0].length;
        push('number', number[0], start, { value: Number(number[0]) });
        continue;
      }
    }
    if (op) {
      i += op.length;
      push('op', op === '==' ? '=' : op === '<>' ? '!=' : op, start);
      continue;
    }
    if (WORD_START.test(ch) || /[\p{N}]/u.test(ch)) {
      while (i < text.length && WORD_PART.test(text[i]!)) i++;
      push('word', text.slice(start, i), start);
      continue;
    }
    throw new QuerySyntaxError(context, text, i, 1, `unexpected character "${ch}"`);
  }
  tokens.push({ kind: 'end', text: '', value: Number.NaN, quote: '', start: text.length, end: text.length });
  return tokens;
}

/** Index just past the closing quote of the quoted token at `start`. */
function readQuoted(text: string, start: number, context: string): number {
  const q = text[start]!;
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === q && text[i + 1] === q) i += 2;
    else if (text[i] === q) return i + 1;
    else i++;
  }
  throw new QuerySyntaxError(context, text, start, text.length - start, `unclosed ${q}…${q}`);
}
