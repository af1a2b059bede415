/**
 * Redaction by value: secrets that appear inside any string (bearer tokens, JWTs, card numbers that
 * pass the Luhn check, optionally e-mail addresses) are masked wherever they are, whatever the key.
 *
 * @module
 */

/** What replaces a redacted value. */
export const REDACTED = '[REDACTED]';

/** A value pattern: every match is replaced by `replacement` (default `[REDACTED]`). */
export interface RedactionPattern {
  name: string;
  pattern: RegExp;
  replacement?: string | ((match: string) => string);
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The built-in patterns carry no names: nothing reads them, and the browser bundle pays for every byte. */
type BuiltInPattern = Omit<RedactionPattern, 'name'>;

const DEFAULT_PATTERNS: readonly BuiltInPattern[] = [
  // an auth scheme and its credentials
  {
    pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9\-._~+/]{6,}=*/gi,
    replacement: (m) => `${m.split(/\s+/)[0]} ${REDACTED}`,
  },
  // a JWT
  { pattern: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g },
  // a card number
  {
    pattern: /\b(?:\d[ -]?){12,18}\d\b/g,
    replacement: (m) => (luhnValid(m.replace(/[ -]/g, '')) ? '[REDACTED:card]' : m),
  },
];
const EMAIL_PATTERN: BuiltInPattern = {
  pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
  replacement: '[REDACTED:email]',
};
/** Values shorter than this skip the extra patterns too (e-mail addresses, the user's). */
const MIN_PATTERN_LENGTH = 8;
/**
 * One cheap test that every default pattern's match also passes: most values hold no secret, and
 * one regex instead of three per string is a measurable share of export CPU (bench/core).
 */
const DEFAULT_PREFILTER =
  /bearer|basic|token|eyJ|\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d/i;

/** The value rules of a redactor. */
export interface ValueRules {
  /** Extra value patterns. */
  patterns?: readonly RedactionPattern[] | undefined;
  /** Mask e-mail addresses. */
  emails?: boolean | undefined;
  /** Drop the built-in patterns. */
  replaceDefaults?: boolean | undefined;
}

function applyPatterns(value: string, patterns: readonly BuiltInPattern[]): string {
  let result = value;
  for (const { pattern, replacement = REDACTED } of patterns) {
    pattern.lastIndex = 0;
    if (!pattern.test(result)) continue;
    pattern.lastIndex = 0;
    result =
      typeof replacement === 'string' ? result.replace(pattern, replacement) : result.replace(pattern, replacement);
  }
  return result;
}

/** Compiles the value rules into one function that masks secrets inside a string. */
export function createStringMasker(rules: ValueRules): (value: string) => string {
  // The shortest string a default pattern matches is 12 long: `Basic` or `Token`, a space and six
  // characters (a JWT's and a card number's are 13). Shorter values skip the regex call; without
  // the defaults, every value does.
  const defaultsFrom = rules.replaceDefaults ? Infinity : 12;
  const extra = [...(rules.emails ? [EMAIL_PATTERN] : []), ...(rules.patterns ?? [])];
  return (value) => {
    const masked =
      value.length >= defaultsFrom && DEFAULT_PREFILTER.test(value) ? applyPatterns(value, DEFAULT_PATTERNS) : value;
    return extra.length > 0 && value.length >= MIN_PATTERN_LENGTH ? applyPatterns(masked, extra) : masked;
  };
}
