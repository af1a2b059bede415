/**
 * The filter language of `--where` and of alert rules:
 *
 * ```text
 * hashMismatchCount > 0 and colo = 'ewr'
 * not (status = error or http.route in ('/health', '/ready'))
 * name contains "orders" and duration > 2s and exists user.tier
 * http.route ~ '^/api/' and user.tier != free
 * ```
 *
 * Comparisons `=` `!=` `<` `<=` `>` `>=`, `~` / `!~` (regular expression), `in (…)`, `not in (…)`,
 * `contains`, `not contains`, `exists f` / `f exists` / `f not exists`; combined with `and`, `or`,
 * `not` and parentheses (`and` binds tighter than `or`). Keywords are case-insensitive. The left of a
 * comparison is always a field and the right always a value, so either may be quoted: `"user.tier"`,
 * `'ewr'`. A missing field makes a comparison false, except the negative ones (`!=`, `not in`, `!~`,
 * `not contains`), which it makes true.
 *
 * @module
 */
import { type Token, tokenize } from './lexer.ts';
import { QuerySyntaxError } from './syntax-error.ts';

/** A field as written, with its offsets. */
export interface FieldRef {
  name: string;
  start: number;
  end: number;
}

/** A value as written. */
export interface Literal {
  /** `word` is an unquoted value that is not a number, a duration or a percentage. */
  kind: 'quoted' | 'word' | 'number' | 'duration' | 'percent';
  text: string;
  /** Numbers as written; durations in ms; percentages as a fraction. */
  value: number;
  start: number;
  end: number;
}

/** Comparison operators. `~` is a regular-expression match (RE2 syntax). */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~';

/** A parsed filter. */
export type Filter =
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  | { kind: 'compare'; field: FieldRef; op: CompareOp; value: Literal }
  | { kind: 'in'; field: FieldRef; values: Literal[]; negated: boolean }
  | { kind: 'contains'; field: FieldRef; value: Literal; negated: boolean }
  | { kind: 'exists'; field: FieldRef; negated: boolean };

const keyword = (t: Token, word: string) => t.kind === 'word' && t.text.toLowerCase() === word;

/** Parses a filter, throwing {@link QuerySyntaxError} (with the position) when it is malformed. */
export function parseFilter(text: string, context = '--where'): Filter {
  const tokens = tokenize(text, context);
  let at = 0;
  const peek = () => tokens[at]!;
  const next = () => tokens[at++]!;
  const fail = (t: Token, reason: string): never => {
    throw new QuerySyntaxError(context, text, t.start, Math.max(1, t.end - t.start), reason);
  };
  const describe = (t: Token) => (t.kind === 'end' ? 'the end' : `"${text.slice(t.start, t.end)}"`);

  const field = (): FieldRef => {
    const t = next();
    if ((t.kind === 'word' && !['and', 'or', 'not'].includes(t.text.toLowerCase())) || t.kind === 'quoted')
      return { name: t.text, start: t.start, end: t.end };
    return fail(t, `expected a field name, found ${describe(t)}`);
  };
  const literal = (): Literal => {
    const t = next();
    if (
      t.kind === 'quoted' ||
      t.kind === 'word' ||
      t.kind === 'number' ||
      t.kind === 'duration' ||
      t.kind === 'percent'
    )
      return { kind: t.kind, text: t.text, value: t.value, start: t.start, end: t.end };
    return fail(t, `expected a value, found ${describe(t)}`);
  };
  const list = (): Literal[] => {
    if (peek().kind !== '(') fail(peek(), `expected "(" after in, found ${describe(peek())}`);
    next();
    const values = [literal()];
    while (peek().kind === ',') {
      next();
      values.push(literal());
    }
    if (peek().kind !== ')') fail(peek(), `expected "," or ")" in the list, found ${describe(peek())}`);
    next();
    return values;
  };

  const comparison = (): Filter => {
    if (keyword(peek(), 'exists')) {
      next();
      return { kind: 'exists', field: field(), negated: false };
    }
    const f = field();
    const t = peek();
    if (t.kind === 'op') {
      next();
      return { kind: 'compare', field: f, op: t.text as CompareOp, value: literal() };
    }
    const negated = keyword(t, 'not');
    if (negated) next();
    const k = peek();
    if (keyword(k, 'in')) return next() && { kind: 'in', field: f, values: list(), negated };
    if (keyword(k, 'contains')) return next() && { kind: 'contains', field: f, value: literal(), negated };
    if (keyword(k, 'exists')) return next() && { kind: 'exists', field: f, negated };
    if (keyword(k, 'matches'))
      return next() && { kind: 'compare', field: f, op: negated ? '!~' : '~', value: literal() };
    return fail(
      k,
      `expected an operator (= != < <= > >= ~ in contains exists) after "${f.name}", found ${describe(k)}`,
    );
  };
  const unary = (): Filter => {
    if (keyword(peek(), 'not')) {
      next();
      return { kind: 'not', filter: unary() };
    }
    if (peek().kind === '(') {
      const open = next();
      const inner = or();
      if (peek().kind !== ')') fail(peek().kind === 'end' ? open : peek(), 'missing ")"');
      next();
      return inner;
    }
    return comparison();
  };
  const and = (): Filter => {
    let left = unary();
    while (keyword(peek(), 'and')) {
      next();
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const or = (): Filter => {
    let left = and();
    while (keyword(peek(), 'or')) {
      next();
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  if (peek().kind === 'end') fail(peek(), 'empty filter');
  const filter = or();
  if (peek().kind !== 'end') fail(peek(), `expected "and", "or" or the end, found ${describe(peek())}`);
  return filter;
}

/**
 * `--where` as earlier versions took it — `key=value` / `key!=value`, the operator right after the key
 * and anything after it as the value (`name=POST /orders`). Used when the text is not valid in the
 * new language.
 */
export function legacyEquality(text: string): Filter | undefined {
  const m = /^([^=!\s'"`()][^=!\s'"`()]*)(!=|=)([^'"`]*)$/.exec(text);
  if (!m) return undefined;
  const value = m[3]!;
  const start = text.length - value.length;
  return {
    kind: 'compare',
    field: { name: m[1]!, start: 0, end: m[1]!.length },
    op: m[2] as '=' | '!=',
    value: { kind: 'quoted', text: value, value: Number.NaN, start, end: text.length },
  };
}

/** Parses a `--where`, accepting the old `key=value` form when the text is not valid otherwise. */
export function parseWhereFilter(text: string, context = '--where'): Filter {
  try {
    return parseFilter(text, context);
  } catch (error) {
    const legacy = legacyEquality(text);
    if (legacy) return legacy;
    throw error;
  }
}

/** Joins filters with `and` (undefined for none). */
export function allOf(filters: readonly (Filter | undefined)[]): Filter | undefined {
  return filters.reduce<Filter | undefined>(
    (acc, f) => (f === undefined ? acc : acc === undefined ? f : { kind: 'and', left: acc, right: f }),
    undefined,
  );
}

/** The fields a filter reads. */
export function filterFields(filter: Filter | undefined): FieldRef[] {
  if (!filter) return [];
  switch (filter.kind) {
    case 'and':
    case 'or':
      return [...filterFields(filter.left), ...filterFields(filter.right)];
    case 'not':
      return filterFields(filter.filter);
    default:
      return [filter.field];
  }
}

/** The filter with every position moved by `offset` (for a filter shown inside a longer text). */
export function shiftFilter(filter: Filter, offset: number): Filter {
  if (offset === 0) return filter;
  const at = <T extends { start: number; end: number }>(x: T): T => ({
    ...x,
    start: x.start + offset,
    end: x.end + offset,
  });
  switch (filter.kind) {
    case 'and':
    case 'or':
      return { ...filter, left: shiftFilter(filter.left, offset), right: shiftFilter(filter.right, offset) };
    case 'not':
      return { ...filter, filter: shiftFilter(filter.filter, offset) };
    case 'in':
      return { ...filter, field: at(filter.field), values: filter.values.map(at) };
    case 'exists':
      return { ...filter, field: at(filter.field) };
    default:
      return { ...filter, field: at(filter.field), value: at(filter.value) };
  }
}
