/**
 * Redaction before export: attribute and header names on a deny list lose their values, and values
 * that look like secrets (bearer tokens, JWTs, card numbers, optionally e-mail addresses) are masked
 * wherever they appear. Runs on every exported span and wide-event log line.
 *
 * @module
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';

/** What replaces a redacted value. */
export const REDACTED = '[REDACTED]';

/**
 * Name fragments denied by default. A key is denied when its last dot-separated segment, with `-`
 * read as `_`, is one of these or ends with `_<name>` (so `http.request.header.x-api-key` and
 * `db.password` are denied, `gen_ai.usage.input_tokens` is not).
 */
export const DEFAULT_DENIED_NAMES: readonly string[] = [
  'authorization',
  'proxy_authorization',
  'cookie',
  'set_cookie',
  'api_key',
  'apikey',
  'x_api_key',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'session_token',
  'private_key',
  'credentials',
  'credential',
  'signature',
  'sessionid',
  'session_id',
  'csrf_token',
  'xsrf_token',
];

/** A value pattern: every match is replaced by `replacement` (default `[REDACTED]`). */
export interface RedactionPattern {
  name: string;
  pattern: RegExp;
  replacement?: string | ((match: string) => string);
}

/** Options for {@link createRedactor}. */
export interface RedactionOptions {
  /** Extra names to deny (same matching rule as {@link DEFAULT_DENIED_NAMES}) or full-key patterns. */
  deny?: ReadonlyArray<string | RegExp>;
  /** Keys never redacted by name, even when a deny rule matches. */
  allow?: readonly string[];
  /** Extra value patterns. */
  patterns?: readonly RedactionPattern[];
  /** Mask e-mail addresses in values. Default `false`. */
  emails?: boolean;
  /** Drop the built-in name list and patterns, keeping only what is given here. Default `false`. */
  replaceDefaults?: boolean;
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

const DEFAULT_PATTERNS: readonly RedactionPattern[] = [
  {
    name: 'auth-scheme',
    pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9\-._~+/]{6,}=*/gi,
    replacement: (m) => `${m.split(/\s+/)[0]} ${REDACTED}`,
  },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g },
  {
    name: 'card-number',
    pattern: /\b(?:\d[ -]?){12,18}\d\b/g,
    replacement: (m) => (luhnValid(m.replace(/[ -]/g, '')) ? '[REDACTED:card]' : m),
  },
];
const EMAIL_PATTERN: RedactionPattern = {
  name: 'email',
  pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
  replacement: '[REDACTED:email]',
};
/** Values shorter than this cannot hold any default pattern; skipping them keeps the hot path cheap. */
const MIN_PATTERN_LENGTH = 8;
/**
 * One cheap test that every default pattern's match also passes: most values hold no secret, and
 * one regex instead of three per string is a measurable share of export CPU (bench/core).
 */
const DEFAULT_PREFILTER =
  /bearer|basic|token|eyJ|\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d/i;
const URL_KEY_RE = /(^|\.)(url|full|query|target|href|uri)$/;
const QUERY_PARAM_RE = /(^|[?&;])([^=&#;?]+)=([^&#;]*)/g;
const KEY_CACHE_LIMIT = 2048;

/** Decides and applies redaction. Build one with {@link createRedactor} and reuse it. */
export interface Redactor {
  /** Whether a key's value is removed outright. */
  isDeniedKey(key: string): boolean;
  /** Masks secrets inside a string value. */
  redactString(value: string): string;
  /** Returns redacted attributes, or `undefined` when nothing needed redaction (no copy made). */
  redactAttributes(attributes: Attributes): Attributes | undefined;
}

/**
 * Builds a {@link Redactor}.
 *
 * @example
 * const redactor = createRedactor({ deny: ['customer_ssn'], emails: true });
 * redactor.redactAttributes({ 'http.request.header.authorization': 'Bearer abc' });
 * // { 'http.request.header.authorization': '[REDACTED]' }
 */
export function createRedactor(options: RedactionOptions = {}): Redactor {
  const names = new Set<string>(options.replaceDefaults ? [] : DEFAULT_DENIED_NAMES);
  const keyPatterns: RegExp[] = [];
  for (const rule of options.deny ?? []) {
    if (typeof rule === 'string') names.add(normalizeName(rule));
    else keyPatterns.push(rule);
  }
  const allow = new Set(options.allow ?? []);
  const defaults = options.replaceDefaults ? [] : DEFAULT_PATTERNS;
  const extra = [...(options.emails ? [EMAIL_PATTERN] : []), ...(options.patterns ?? [])];
  /** Per attribute key: its value is removed (`denied`), is a URL whose query is checked (`url`), or `plain`. */
  const keyCache = new Map<string, KeyKind>();
  const nameCache = new Map<string, boolean>();

  const nameDenied = (name: string): boolean => {
    const cached = nameCache.get(name);
    if (cached !== undefined) return cached;
    const normalized = normalizeName(name);
    let denied = names.has(normalized);
    for (const candidate of names) {
      if (denied) break;
      denied = normalized.endsWith(`_${candidate}`);
    }
    if (nameCache.size < KEY_CACHE_LIMIT) nameCache.set(name, denied);
    return denied;
  };

  const applyPatterns = (value: string, patterns: readonly RedactionPattern[]): string => {
    let result = value;
    for (const { pattern, replacement = REDACTED } of patterns) {
      pattern.lastIndex = 0;
      if (!pattern.test(result)) continue;
      pattern.lastIndex = 0;
      result =
        typeof replacement === 'string' ? result.replace(pattern, replacement) : result.replace(pattern, replacement);
    }
    return result;
  };

  const kindOfKey = (key: string): KeyKind => {
    const cached = keyCache.get(key);
    if (cached !== undefined) return cached;
    const denied =
      !allow.has(key) && (nameDenied(key.slice(key.lastIndexOf('.') + 1)) || keyPatterns.some((p) => p.test(key)));
    const kind: KeyKind = denied ? 'denied' : URL_KEY_RE.test(key) ? 'url' : 'plain';
    if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(key, kind);
    return kind;
  };
  const isDeniedKey = (key: string): boolean => kindOfKey(key) === 'denied';

  const redactString = (value: string): string => {
    if (value.length < MIN_PATTERN_LENGTH) return value;
    const masked = defaults.length > 0 && DEFAULT_PREFILTER.test(value) ? applyPatterns(value, defaults) : value;
    return extra.length > 0 ? applyPatterns(masked, extra) : masked;
  };

  const redactQuery = (value: string): string =>
    value.includes('=')
      ? value.replace(QUERY_PARAM_RE, (m, sep: string, name: string) =>
          nameDenied(name) ? `${sep}${name}=${REDACTED}` : m,
        )
      : value;

  const redactValue = (kind: KeyKind, value: AttributeValue): AttributeValue => {
    if (typeof value === 'string') {
      const masked = redactString(value);
      return kind === 'url' ? redactQuery(masked) : masked;
    }
    if (Array.isArray(value)) {
      let changed = false;
      const next = value.map((item) => {
        if (typeof item !== 'string') return item;
        const masked = redactString(item);
        if (masked !== item) changed = true;
        return masked;
      });
      return changed ? (next as AttributeValue) : value;
    }
    return value;
  };

  const redactAttributes = (attributes: Attributes): Attributes | undefined => {
    let copy: Attributes | undefined;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined) continue;
      const kind = kindOfKey(key);
      const next = kind === 'denied' ? REDACTED : redactValue(kind, value);
      if (next !== value) {
        copy ??= { ...attributes };
        copy[key] = next;
      }
    }
    return copy;
  };

  return { isDeniedKey, redactString, redactAttributes };
}

type KeyKind = 'denied' | 'url' | 'plain';

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/-/g, '_');
}
