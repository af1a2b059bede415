/**
 * Which request URLs may carry trace headers. Trace context tells a server which page and session
 * a request came from, and third-party servers reject unknown headers on CORS preflight, so headers
 * go only to the page's own origin and to origins the app names.
 *
 * @module
 */
import { createTargetMatcher, type PropagateTo } from '@wideline/core/sdk';

/** One `propagateTo` entry: a host, an origin, a URL prefix (matched by path segment) or a pattern. */
export type PropagationTarget = string | RegExp;

/**
 * Returns a predicate telling whether `url` (absolute or relative to `base`, default the page's
 * address) may carry trace headers: core's `createTargetMatcher` grammar, the same in every runtime
 * (`https://api.example.com/v2` matches `/v2` and `/v2/orders`, not `/v20`), plus the page's own
 * origin unless `sameOrigin: false`. Only http(s) URLs ever match. A malformed entry throws
 * `WidelineConfigError` right away.
 *
 * @example
 * const allowed = propagationAllowlist(['https://api.example.com', '*.internal.example']);
 * allowed('https://api.example.com/orders'); // true
 * allowed('https://www.google-analytics.com/collect'); // false
 */
export function propagationAllowlist(
  targets: PropagateTo,
  options: { sameOrigin?: boolean; base?: string; option?: string } = {},
): (url: string) => boolean {
  const base = options.base ?? globalThis.location?.href;
  const sameOrigin = options.sameOrigin ?? true;
  const ownOrigin = base ? safeUrl(base)?.origin : undefined;
  const matches = createTargetMatcher(targets, options.option);
  return (url) => {
    const parsed = safeUrl(url, base);
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return false;
    if (sameOrigin && parsed.origin === ownOrigin) return true;
    return matches(parsed);
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
