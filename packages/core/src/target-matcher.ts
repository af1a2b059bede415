/**
 * Which outgoing request URLs may carry trace context: the `propagateTo` grammar, the same in every
 * runtime. Trace context tells a server which page, session or trace a request came from, and
 * third-party servers may reject unknown headers (a CORS preflight does), so context goes only where
 * the app says.
 *
 * - A string without `://` is a **host**: `api.example.com` (exact, any port), `*.example.com`
 *   (any subdomain, not `example.com` itself), `api.example.com:8443` (that port only).
 * - A string with `://` is an **origin** (`https://api.example.com`: scheme, host and port) or a
 *   **URL prefix** matched by whole path segments: `http://h/api` matches `/api`, `/api/x` and
 *   `/api?q`, not `/apiary`.
 * - A **RegExp** is tested against the full URL (`url.href`).
 * - A **function** of the URL decides by itself; if it throws, the answer is no.
 *
 * Entries are checked once, at start-up: a malformed one throws {@link WidelineConfigError} naming
 * the option and the entry, so that a typo never silently turns propagation off. Matching never
 * throws.
 *
 * @module
 */
import { WidelineConfigError } from './config';

/** The `propagateTo` option: host names, origins, URL prefixes and RegExps, or a predicate. */
export type PropagateTo = ReadonlyArray<string | RegExp> | ((url: URL) => boolean);

/** Answers whether `url` may carry trace context. Never throws. */
export type TargetMatcher = (url: URL) => boolean;

type EntryMatcher = (url: URL) => boolean;

/** Builds the error for a malformed entry; `fix` defaults to the grammar. */
type Fail = (problem: string, fix?: string) => WidelineConfigError;

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };
// A host entry: an optional `*.`, a name or a bracketed IP literal, an optional `:port`.
const HOST_ENTRY = /^(\*\.)?(\[[^\]]*\]|[^:[\]]*)(?::(.*))?$/;
// A host as a parsed URL spells it (lower case, punycode, canonical IPv4): dot-separated labels that
// neither start nor end with a hyphen, or an IPv6 literal. Anything else a URL accepts as a host
// (`*`, `a..b`, `-api.example.com`) is a typo here.
const HOST = /^(?:\[[\da-f:.]+\]|\w(?:[\w-]*\w)?(?:\.\w(?:[\w-]*\w)?)*)$/;

// The fix of most malformed entries: the grammar, one example of each form.
const GRAMMAR =
  "give a host ('api.example.com', '*.example.com'), an origin or URL prefix ('https://api.example.com/v1') or a RegExp";

// The host as a parsed URL spells it, or undefined. Credentials, a query or a fragment would parse
// as such, not as part of the host: they are refused before.
function canonicalHost(host: string): string | undefined {
  if (/[/?#@\\%]/.test(host)) return undefined;
  try {
    const hostname = new URL(`http://${host}`).hostname;
    return HOST.test(hostname) ? hostname : undefined;
  } catch {
    return undefined;
  }
}

function hostEntry(entry: string, fail: Fail): EntryMatcher {
  if (entry.includes('/')) throw fail('has a path but no scheme', `write 'https://${entry}'`);
  const [, wildcard, host = '', port] = HOST_ENTRY.exec(entry) ?? [];
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) > 0 && Number(port) <= 65_535)) {
    throw fail('has an invalid port', 'give a port from 1 to 65535');
  }
  const name = canonicalHost(host);
  if (name === undefined || (wildcard && name.startsWith('['))) throw fail('is not a host name');
  const suffix = `.${name}`;
  return (url) => {
    const hostname = url.hostname.toLowerCase();
    return (
      (wildcard ? hostname.endsWith(suffix) : hostname === name) &&
      (port === undefined || Number(url.port || DEFAULT_PORTS[url.protocol]) === Number(port))
    );
  };
}

function urlEntry(entry: string, fail: Fail): EntryMatcher {
  let target: URL;
  try {
    target = new URL(entry);
  } catch {
    throw fail('is not a URL');
  }
  // A special scheme's URL always has a host: `https://` alone does not parse.
  if (!(target.protocol in DEFAULT_PORTS)) throw fail('is not an http(s) or ws(s) URL');
  const { origin, pathname } = target;
  // Whatever the URL holds beyond origin and path: credentials, a query, a fragment.
  if (target.href !== origin + pathname)
    throw fail('has a query, fragment or credentials', 'use a RegExp to match queries');
  // Whole segments: `/api` matches `/api` and `/api/x`, not `/apiary`. An origin's path is `/`,
  // which every path starts with.
  const path = pathname.replace(/\/+$/, '');
  return (url) => url.origin === origin && (url.pathname === path || url.pathname.startsWith(`${path}/`));
}

function entryMatcher(entry: unknown, option: string): EntryMatcher {
  if (entry instanceof RegExp) {
    // A global or sticky RegExp keeps state between calls; reset it so each URL is tested whole.
    return (url) => {
      entry.lastIndex = 0;
      return entry.test(url.href);
    };
  }
  if (typeof entry !== 'string') {
    throw new WidelineConfigError(option, `${typeof entry} is not a target`, GRAMMAR);
  }
  const fail: Fail = (problem, fix = GRAMMAR) =>
    new WidelineConfigError(option, `${JSON.stringify(entry)} ${problem}`, fix);
  if (!/^\S+$/.test(entry)) throw fail('is empty or has spaces');
  return (entry.includes('://') ? urlEntry : hostEntry)(entry, fail);
}

/**
 * Compiles a `propagateTo` value into one predicate. `undefined` or `[]` matches nothing.
 *
 * @param targets the option's value (grammar in the module doc)
 * @param option the option's name in error messages. Default `'propagateTo'`.
 * @throws WidelineConfigError when an entry is malformed, naming `option[index]`
 * @example
 * const mayPropagate = createTargetMatcher(['*.internal.example', 'https://api.example.com/v2', /\/graphql$/]);
 * mayPropagate(new URL('https://api.example.com/v2/orders')); // true
 * mayPropagate(new URL('https://api.example.com/v20')); // false
 */
export function createTargetMatcher(targets: PropagateTo = [], option = 'propagateTo'): TargetMatcher {
  if (typeof targets === 'function') {
    return (url) => {
      try {
        return targets(url) === true;
      } catch {
        return false;
      }
    };
  }
  if (!Array.isArray(targets)) {
    throw new WidelineConfigError(
      option,
      'is neither a list nor a function',
      "give ['api.example.com', …] or (url) => boolean",
    );
  }
  const matchers = targets.map((entry, i) => entryMatcher(entry, `${option}[${i}]`));
  return (url) => matchers.some((matches) => matches(url));
}
