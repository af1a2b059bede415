/**
 * Redaction by name: which attribute keys (and URL query parameters) lose their values outright.
 * A key is judged by its last dot-separated segment against the deny list, or whole against the
 * deny patterns; the answer is cached per key, since spans repeat the same few keys.
 *
 * @module
 */

/**
 * Name fragments denied by default. A key is denied when its last dot-separated segment, with `-`
 * read as `_`, is one of these or ends with `_<name>` (so `http.request.header.x-api-key` and
 * `db.password` are denied, `gen_ai.usage.input_tokens` is not). The list holds no name that rule
 * already covers: `token` denies `access_token`, `csrf_token` and every other `*_token`,
 * `authorization` denies `proxy_authorization`, `cookie` `set_cookie`, `api_key` `x_api_key` and
 * `secret` `client_secret`.
 */
export const DEFAULT_DENIED_NAMES: readonly string[] = [
  'authorization',
  'cookie',
  'api_key',
  'apikey',
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'private_key',
  'credentials',
  'credential',
  'signature',
  'sessionid',
  'session_id',
];

/** How a key's value is treated: removed (`denied`), a URL whose query is checked (`url`), or `plain`. */
export type KeyKind = 'denied' | 'url' | 'plain';

/** The name rules of a redactor. */
export interface KeyRules {
  /** Extra names to deny (same matching rule as {@link DEFAULT_DENIED_NAMES}) or full-key patterns. */
  deny?: ReadonlyArray<string | RegExp> | undefined;
  /** Keys never redacted by name, even when a deny rule matches. */
  allow?: readonly string[] | undefined;
  /** Drop the built-in name list. */
  replaceDefaults?: boolean | undefined;
}

/** Answers, from the deny rules, what happens to a key's value and whether a bare name is denied. */
export interface KeyClassifier {
  kindOfKey(key: string): KeyKind;
  /** A bare name (a key's last segment, a query parameter) against the name list. */
  nameDenied(name: string): boolean;
}

const URL_KEY_RE = /(^|\.)(url|full|query|target|href|uri)$/;
const KEY_CACHE_LIMIT = 2048;

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/-/g, '_');
}

/** Compiles the deny and allow rules into a cached {@link KeyClassifier}. */
export function createKeyClassifier(rules: KeyRules): KeyClassifier {
  const names = new Set<string>(rules.replaceDefaults ? [] : DEFAULT_DENIED_NAMES);
  const keyPatterns: RegExp[] = [];
  for (const rule of rules.deny ?? []) {
    if (typeof rule === 'string') names.add(normalizeName(rule));
    else keyPatterns.push(rule);
  }
  const allow = new Set(rules.allow ?? []);
  const keyCache = new Map<string, KeyKind>();
  const nameCache = new Map<string, boolean>();

  const nameDenied = (name: string): boolean => {
    const cached = nameCache.get(name);
    if (cached !== undefined) return cached;
    const normalized = normalizeName(name);
    const denied = names.has(normalized) || [...names].some((candidate) => normalized.endsWith(`_${candidate}`));
    if (nameCache.size < KEY_CACHE_LIMIT) nameCache.set(name, denied);
    return denied;
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

  return { kindOfKey, nameDenied };
}
