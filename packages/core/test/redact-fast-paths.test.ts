// The redactor's shortcuts must not change what is redacted: the query check that skips the replace
// when no parameter name is denied, the defaults' minimum length and case-sensitive prefilter, and
// the key memo in front of the key cache.
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../src/sdk';

const redactor = createRedactor();
const masked = (key: string, value: string) => redactor.redactAttributes({ [key]: value })?.[key] ?? value;

describe('query parameters of URL-like keys', () => {
  it.each([
    ['https://a.test/p?ref=home', 'https://a.test/p?ref=home'],
    ['token=abc', `token=${REDACTED}`],
    ['https://a.test/p;session_id=1', `https://a.test/p;session_id=${REDACTED}`],
    ['https://a.test/p?a=b=c&token=x', `https://a.test/p?a=b=c&token=${REDACTED}`],
    ['https://a.test/p?Token=x&X-Api-Key=y', `https://a.test/p?Token=${REDACTED}&X-Api-Key=${REDACTED}`],
    // not parameters by QUERY_PARAM_RE's rule: after a fragment, inside another parameter's value
    ['https://a.test/p#token=x', 'https://a.test/p#token=x'],
    ['https://a.test/p?a=x?token=y', 'https://a.test/p?a=x?token=y'],
    ['https://a.test/p?=token', 'https://a.test/p?=token'],
    ['https://a.test/p?ref=home&', 'https://a.test/p?ref=home&'],
    ['https://a.test/token/p', 'https://a.test/token/p'],
  ])('url.full %s', (value, expected) => {
    expect(masked('url.full', value)).toBe(expected);
  });

  it('redacts what the replace over every parameter redacts, on 2 000 generated values', () => {
    // The rule written out once more as the oracle: a name after the start or `?&;`, its `=`, a value.
    const oracle = (value: string) =>
      value.replace(/(^|[?&;])([^=&#;?]+)=([^&#;]*)/g, (m, sep: string, name: string) =>
        redactor.isDeniedKey(name) ? `${sep}${name}=${REDACTED}` : m,
      );
    const pieces = ['token', 'Pwd', 'ref', 'x', '=', '=', '&', '?', ';', '#', '/'];
    let seed = 1;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let n = 0; n < 2000; n++) {
      let value = '';
      for (let length = next() % 9; length > 0; length--) value += pieces[next() % pieces.length];
      expect(masked('url.full', value)).toBe(oracle(value));
    }
  });

  it('a URL built per request, a rope until flattened, is checked like a flat one', () => {
    const id = Date.now().toString(36); // letters too: 13 digits could pass as a card number
    expect(masked('url.full', `https://a.test/o/${id}?password=${id}`)).toBe(
      `https://a.test/o/${id}?password=${REDACTED}`,
    );
  });
});

describe('value patterns around the shortest default match', () => {
  it.each([
    ['Basic abcdef', `Basic ${REDACTED}`], // 12 characters: the shortest auth-scheme match
    ['Token abcdef', `Token ${REDACTED}`],
    ['Basic abcde', 'Basic abcde'],
    ['BEARER abcdefgh', `BEARER ${REDACTED}`],
    ['bEaReR abcdefgh', `bEaReR ${REDACTED}`],
    ['4222222222222', '[REDACTED:card]'], // 13 digits passing the Luhn check
  ])('log.message %s', (value, expected) => {
    expect(masked('log.message', value)).toBe(expected);
  });

  it('applies e-mail and user patterns to values shorter than the defaults need', () => {
    const custom = createRedactor({ emails: true, patterns: [{ name: 'pin', pattern: /\bPIN \d{4}\b/g }] });
    expect(custom.redactAttributes({ a: 'ab@cd.io', b: 'PIN 1234', c: 'short' })).toEqual({
      a: '[REDACTED:email]',
      b: REDACTED,
      c: 'short',
    });
  });
});

describe('key decisions remembered', () => {
  it('checks the value of a key first seen clean every time', () => {
    expect(redactor.redactAttributes({ 'app.note': 'all good here' })).toBeUndefined();
    expect(redactor.redactAttributes({ 'app.note': 'sent Bearer abcdefgh1234' })).toEqual({
      'app.note': `sent Bearer ${REDACTED}`,
    });
  });

  it('answers alike for keys sharing a memo slot and for keys beyond the cache bound', () => {
    const fresh = createRedactor();
    const keys = Array.from({ length: 5000 }, (_, i) => `app.k${i}`);
    for (const key of keys) expect(fresh.isDeniedKey(key)).toBe(false);
    for (const key of ['app.password', 'db.pwd', 'x.token', 'app.k1', 'app.passwordx']) {
      expect(fresh.isDeniedKey(key)).toBe(key === 'app.password' || key === 'db.pwd' || key === 'x.token');
      expect(fresh.isDeniedKey(key)).toBe(key === 'app.password' || key === 'db.pwd' || key === 'x.token');
    }
    expect(fresh.redactAttributes({ 'app.k4999': 'v', 'app.secret': 'v' })).toEqual({
      'app.k4999': 'v',
      'app.secret': REDACTED,
    });
  });
});
