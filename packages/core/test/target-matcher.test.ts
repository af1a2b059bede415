import { describe, expect, it } from 'vitest';
import { WidelineConfigError } from '../src/index';
import { createTargetMatcher, type PropagateTo } from '../src/sdk';

// [targets, url, expected]: the propagateTo grammar, one row per rule and its edges.
const cases: ReadonlyArray<readonly [PropagateTo, string, boolean]> = [
  // Hosts: exact, case-insensitive, any port unless one is given.
  [['api.example.com'], 'https://api.example.com/orders', true],
  [['api.example.com'], 'http://api.example.com:8080/', true],
  [['API.Example.com'], 'https://api.example.com/', true],
  [['api.example.com'], 'https://api.example.com.evil.test/', false],
  [['api.example.com'], 'https://evilapi.example.com/', false],
  [['api.example.com'], 'https://example.com/', false],
  [['api.example.com:8443'], 'https://api.example.com:8443/x', true],
  [['api.example.com:8443'], 'https://api.example.com/x', false],
  [['api.example.com:443'], 'https://api.example.com/x', true],
  [['api.example.com:80'], 'https://api.example.com/x', false],
  [['localhost:8787'], 'http://localhost:8787/api', true],
  [['127.0.0.1'], 'http://127.0.0.1:4000/', true],
  [['[::1]:8080'], 'http://[::1]:8080/', true],
  [['[::1]:8080'], 'http://[::1]:8081/', false],
  [['bücher.example'], 'https://xn--bcher-kva.example/', true],
  // Wildcards: subdomains at any depth, not the apex, not a look-alike.
  [['*.example.com'], 'https://api.example.com/', true],
  [['*.example.com'], 'https://a.b.example.com/', true],
  [['*.example.com'], 'https://example.com/', false],
  [['*.example.com'], 'https://badexample.com/', false],
  [['*.example.com:8443'], 'https://api.example.com:8443/', true],
  [['*.example.com:8443'], 'https://api.example.com/', false],
  // Origins: scheme, host and port all count.
  [['https://api.example.com'], 'https://api.example.com/anything?q=1', true],
  [['https://api.example.com/'], 'https://api.example.com/anything', true],
  [['https://api.example.com'], 'http://api.example.com/', false],
  [['https://api.example.com'], 'https://api.example.com:8443/', false],
  [['https://api.example.com:443'], 'https://api.example.com/', true],
  [['http://localhost:8787'], 'http://localhost:8787/x', true],
  [['http://localhost:8787'], 'http://localhost:5173/x', false],
  // URL prefixes: whole path segments.
  [['http://h.test/api'], 'http://h.test/api', true],
  [['http://h.test/api'], 'http://h.test/api/x', true],
  [['http://h.test/api'], 'http://h.test/api?q=1', true],
  [['http://h.test/api'], 'http://h.test/api#top', true],
  [['http://h.test/api'], 'http://h.test/apiary', false],
  [['http://h.test/api'], 'http://h.test/', false],
  [['http://h.test/api/'], 'http://h.test/api/x', true],
  [['http://h.test/api/'], 'http://h.test/apiary', false],
  [['http://h.test/api'], 'https://h.test/api', false],
  [['http://h.test/api/v2'], 'http://h.test/api/v2/orders', true],
  [['http://h.test/api/v2'], 'http://h.test/api/v20', false],
  [['http://h.test/API'], 'http://h.test/api', false],
  // RegExps: tested against the full URL, path and query included.
  [[/^https:\/\/[a-z]+\.internal\//], 'https://billing.internal/charge', true],
  [[/\/graphql$/], 'https://any.test/graphql', true],
  [[/\/graphql$/], 'https://any.test/graphql/x', false],
  [[/tenant=acme/], 'https://any.test/x?tenant=acme', true],
  [[/^api\.example\.com$/], 'https://api.example.com/', false],
  // Lists: any entry matches; an empty list matches nothing.
  [['a.test', 'https://b.test', /c\.test/], 'https://c.test/', true],
  [[], 'https://a.test/', false],
  // Predicates decide by themselves; only `true` is yes.
  [(url) => url.pathname.startsWith('/api'), 'https://x.test/api/1', true],
  [(url) => url.pathname.startsWith('/api'), 'https://x.test/other', false],
];

describe('createTargetMatcher', () => {
  it.each(cases)('%o matches %s: %s', (targets, url, expected) => {
    expect(createTargetMatcher(targets)(new URL(url))).toBe(expected);
  });

  it('tests a global RegExp afresh for every URL', () => {
    const matches = createTargetMatcher([/\.test\//g]);
    expect([1, 2, 3].map(() => matches(new URL('https://a.test/')))).toEqual([true, true, true]);
  });

  it('matches nothing without targets and answers no when a predicate throws', () => {
    expect(createTargetMatcher(undefined)(new URL('https://a.test/'))).toBe(false);
    expect(createTargetMatcher()(new URL('https://a.test/'))).toBe(false);
    const throwing = createTargetMatcher(() => {
      throw new Error('user bug');
    });
    expect(throwing(new URL('https://a.test/'))).toBe(false);
    const truthy = createTargetMatcher((() => 'yes') as unknown as (url: URL) => boolean);
    expect(truthy(new URL('https://a.test/'))).toBe(false);
  });

  // [entry, what the message says]: each bad entry throws at start-up, naming option and index.
  const bad: ReadonlyArray<readonly [unknown, RegExp]> = [
    ['', /empty/],
    [' api.example.com', /spaces/],
    ['api example.com', /spaces/],
    ['api.example.com/v1', /has a path but no scheme.*https:\/\/api\.example\.com\/v1/],
    ['api.example.com:', /invalid port/],
    ['api.example.com:99999', /invalid port/],
    ['api.example.com:http', /invalid port/],
    ['*', /not a host name/],
    ['api.*.example.com', /not a host name/],
    ['*.*.example.com', /not a host name/],
    ['-api.example.com', /not a host name/],
    ['api-.example.com', /not a host name/],
    ['*.-example.com', /not a host name/],
    ['user@api.example.com', /not a host name/],
    ['api.example.com?x', /not a host name/],
    ['https://', /not a URL/],
    ['ftp://files.example.com', /not an http\(s\) or ws\(s\) URL/],
    ['https://api.example.com/?q=1', /query, fragment or credentials/],
    ['https://user:pw@api.example.com', /query, fragment or credentials/],
    ['https://api.example.com/?', /query, fragment or credentials/],
    ['https://api.example.com#', /query, fragment or credentials/],
    [42, /number is not a target/],
    [null, /object is not a target/],
  ];
  it.each(bad)('rejects %o with a WidelineConfigError', (entry, message) => {
    const targets = ['ok.example.com', entry] as unknown as PropagateTo;
    let error: unknown;
    try {
      createTargetMatcher(targets, 'propagateTo');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WidelineConfigError);
    expect((error as WidelineConfigError).option).toBe('propagateTo[1]');
    expect((error as Error).message).toMatch(/^propagateTo\[1\]: /);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/Fix: /);
  });

  it('names the option it was given and rejects a value that is neither list nor function', () => {
    expect(() => createTargetMatcher(['bad host'], 'fetch.propagateTo')).toThrow(/^fetch\.propagateTo\[0\]: /);
    expect(() => createTargetMatcher('api.example.com' as unknown as PropagateTo)).toThrow(
      /^propagateTo: is neither a list nor a function/,
    );
  });
});
