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

// A host label as URLs spell it once parsed (lower case, punycode), or an IP literal.
const HOST = /^(?:\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*)$/;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

function effectivePort(url: URL): string {
  return url.port || (DEFAULT_PORTS[url.protocol] ?? '');
}

// The fix of most malformed entries: the grammar, one example of each form.
const GRAMMAR =
  "give a host ('api.example.com', '*.example.com'), an origin or URL prefix ('https://api.example.com/v1') or a RegExp";

function invalid(option: string, entry: unknown, problem: string, fix = GRAMMAR): WidelineConfigError {
  return new WidelineConfigError(option, `${JSON.stringify(String(entry))} ${problem}`, fix);
}

function splitPort(entry: string): { host: string; port: string | undefined } {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']') + 1;
    const rest = close === 0 ? '' : entry.slice(close);
    return {
      host: close === 0 ? entry : entry.slice(0, close),
      port: rest === '' ? undefined : rest.replace(/^:/, ''),
    };
  }
  const colon = entry.lastIndexOf(':');
  return colon < 0 ? { host: entry, port: undefined } : { host: entry.slice(0, colon), port: entry.slice(colon + 1) };
}

// The host as a parsed URL spells it (lower case, punycode, canonical IPv4), or undefined.
function canonicalHost(host: string): string | undefined {
  if (/[/?#@\\%]/.test(host)) return undefined;
  try {
    const hostname = new URL(`http://${host}`).hostname;
    return HOST.test(hostname) ? hostname : undefined;
  } catch {
    return undefined;
  }
}

function hostEntry(entry: string, option: string): EntryMatcher {
  if (entry.includes('/')) {
    throw invalid(option, entry, 'has a path but no scheme', `write 'https://${entry}'`);
  }
  const { host, port } = splitPort(entry);
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) > 0 && Number(port) <= 65_535)) {
    throw invalid(option, entry, 'has an invalid port', 'give a port from 1 to 65535');
  }
  const wildcard = host.startsWith('*.');
  const name = canonicalHost(wildcard ? host.slice(2) : host);
  if (name === undefined || (wildcard && name.startsWith('['))) {
    throw invalid(option, entry, 'is not a host name');
  }
  const suffix = `.${name}`;
  return (url) => {
    const hostname = url.hostname.toLowerCase();
    if (wildcard ? !hostname.endsWith(suffix) : hostname !== name) return false;
    return port === undefined || effectivePort(url) === String(Number(port));
  };
}

function urlEntry(entry: string, option: string): EntryMatcher {
  let target: URL;
  try {
    target = new URL(entry);
  } catch {
    throw invalid(option, entry, 'is not a URL');
  }
  if (!(target.protocol in DEFAULT_PORTS) || target.hostname === '') {
    throw invalid(option, entry, 'is not an http(s) or ws(s) URL');
  }
  if (target.search !== '' || target.hash !== '' || target.username !== '' || target.password !== '') {
    throw invalid(option, entry, 'has a query, fragment or credentials', 'use a RegExp to match queries');
  }
  const origin = target.origin;
  const path = target.pathname.replace(/\/+$/, '');
  if (path === '') return (url) => url.origin === origin;
  return (url) => url.origin === origin && (url.pathname === path || url.pathname.startsWith(`${path}/`));
}

function regExpEntry(pattern: RegExp): EntryMatcher {
  // A global or sticky RegExp keeps state between calls; reset it so each URL is tested whole.
  return (url) => {
    pattern.lastIndex = 0;
    return pattern.test(url.href);
  };
}

function entryMatcher(entry: unknown, option: string): EntryMatcher {
  if (entry instanceof RegExp) return regExpEntry(entry);
  if (typeof entry !== 'string') {
    throw new WidelineConfigError(option, `${typeof entry} is not a target`, GRAMMAR);
  }
  const trimmed = entry.trim();
  if (trimmed === '' || trimmed !== entry || /\s/.test(trimmed)) {
    throw invalid(option, entry, 'is empty or has spaces');
  }
  return entry.includes('://') ? urlEntry(entry, option) : hostEntry(entry, option);
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
export function createTargetMatcher(targets: PropagateTo | undefined, option = 'propagateTo'): TargetMatcher {
  if (targets === undefined) return () => false;
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
  if (matchers.length === 0) return () => false;
  return (url) => {
    for (const matches of matchers) if (matches(url)) return true;
    return false;
  };
}
