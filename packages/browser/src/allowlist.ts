/**
 * Which request URLs may carry trace headers. Trace context tells a server which page and session
 * a request came from, and third-party servers reject unknown headers on CORS preflight, so headers
 * go only to the page's own origin and to origins the app names.
 *
 * @module
 */

/** An origin (`https://api.example.com`), a URL prefix (`https://cdn.example.com/api/`) or a pattern. */
export type PropagationTarget = string | RegExp;

/**
 * Returns a predicate telling whether `url` (absolute or relative to `base`, default the page's
 * address) may carry trace headers. The page's own origin is allowed unless `sameOrigin: false`.
 *
 * @example
 * const allowed = propagationAllowlist(['https://api.example.com', /^https:\/\/[a-z]+\.internal\//]);
 * allowed('https://api.example.com/orders'); // true
 * allowed('https://www.google-analytics.com/collect'); // false
 */
export function propagationAllowlist(
  targets: readonly PropagationTarget[],
  options: { sameOrigin?: boolean; base?: string } = {},
): (url: string) => boolean {
  const base = options.base ?? globalThis.location?.href;
  const sameOrigin = options.sameOrigin ?? true;
  const ownOrigin = base ? safeUrl(base)?.origin : undefined;
  const origins = new Set<string>();
  const prefixes: string[] = [];
  const patterns: RegExp[] = [];
  for (const target of targets) {
    if (target instanceof RegExp) patterns.push(target);
    else if (typeof target === 'string') {
      const parsed = safeUrl(target);
      if (parsed && (parsed.pathname === '/' || parsed.pathname === '') && !target.endsWith('/'))
        origins.add(parsed.origin);
      else if (parsed) prefixes.push(parsed.href);
    }
  }
  return (url) => {
    const parsed = safeUrl(url, base);
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return false;
    if (sameOrigin && parsed.origin === ownOrigin) return true;
    if (origins.has(parsed.origin)) return true;
    if (prefixes.some((prefix) => parsed.href.startsWith(prefix))) return true;
    return patterns.some((pattern) => {
      pattern.lastIndex = 0;
      return pattern.test(parsed.href);
    });
  };
}

/** Parses a URL without throwing. */
export function safeUrl(url: string, base?: string): URL | undefined {
  try {
    return new URL(url, base);
  } catch {
    return undefined;
  }
}
