import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, redactSpan } from '../src/sdk';
import { memoryTracing } from './helpers';

const redactor = createRedactor();

/** [key, value, expected] — the corpus the default rules must get right. */
const CORPUS: Array<[string, string, string]> = [
  // denied by name
  ['http.request.header.authorization', 'Bearer abc.def.ghi', REDACTED],
  ['http.request.header.proxy-authorization', 'Basic Zm9vOmJhcg==', REDACTED],
  ['http.request.header.cookie', 'session=abc', REDACTED],
  ['http.response.header.set-cookie', 'id=1; HttpOnly', REDACTED],
  ['http.request.header.x-api-key', 'k-123', REDACTED],
  ['db.password', 'hunter2', REDACTED],
  ['user.secret', 'shh', REDACTED],
  ['oauth.access_token', 'ya29.a0Af', REDACTED],
  ['oauth.refresh_token', 'rt-1', REDACTED],
  ['app.client_secret', 'cs', REDACTED],
  ['auth.token', 't', REDACTED],
  ['stripe.api_key', 'sk_live_1', REDACTED],
  ['tls.private_key', '-----BEGIN', REDACTED],
  // allowed by name (look alike, are not secrets)
  ['gen_ai.usage.input_tokens', '1200', '1200'],
  ['http.request.header.content-type', 'application/json', 'application/json'],
  ['messaging.message.id', 'm-1', 'm-1'],
  ['user.id', 'u-42', 'u-42'],
  ['tokenizer.name', 'cl100k', 'cl100k'],
  // secrets inside values
  [
    'exception.message',
    'upstream said 401 for Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
    `upstream said 401 for Bearer ${REDACTED}`,
  ],
  ['log.message', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln leaked', `token ${REDACTED} leaked`],
  ['order.note', 'card 4111 1111 1111 1111 exp 12/30', 'card [REDACTED:card] exp 12/30'],
  ['order.note2', 'card 4111-1111-1111-1111', 'card [REDACTED:card]'],
  ['order.id', '1234567890123456', '1234567890123456'], // 16 digits, fails Luhn: an id, not a card
  [
    'url.full',
    'https://api.example.com/cb?code=abc&token=t0p&state=ok',
    `https://api.example.com/cb?code=abc&token=${REDACTED}&state=ok`,
  ],
  ['url.query', 'password=p&user=me', `password=${REDACTED}&user=me`],
  ['http.route', '/users/:id', '/users/:id'],
  ['user.email', 'ada@example.com', 'ada@example.com'], // e-mails only by option
];

describe('redaction corpus (defaults)', () => {
  it.each(CORPUS)('%s = %s', (key, value, expected) => {
    const out = redactor.redactAttributes({ [key]: value });
    expect(out?.[key] ?? value).toBe(expected);
  });

  // Spans are redacted in place, so a span exported twice is redacted twice: it must not change again.
  it.each(CORPUS)('%s: its redacted value redacts to itself', (key, _value, expected) => {
    expect(redactor.redactAttributes({ [key]: expected })?.[key] ?? expected).toBe(expected);
  });

  // The names the deny list once spelled out, now denied through `_<name>` suffixes: as a key's last
  // segment and as a query parameter of a URL-like key.
  it.each([
    'proxy_authorization',
    'set_cookie',
    'x_api_key',
    'client_secret',
    'access_token',
    'refresh_token',
    'id_token',
    'auth_token',
    'session_token',
    'csrf_token',
    'xsrf_token',
  ])('denies %s by name', (name) => {
    expect(redactor.isDeniedKey(`app.${name}`)).toBe(true);
    expect(redactor.redactAttributes({ 'url.full': `https://a.test/?${name}=v1&page=2` })?.['url.full']).toBe(
      `https://a.test/?${name}=${REDACTED}&page=2`,
    );
  });

  it('returns undefined (no copy) when nothing changes', () => {
    expect(redactor.redactAttributes({ 'http.route': '/a', 'http.response.status_code': 200 })).toBeUndefined();
  });

  it('masks secrets inside string arrays', () => {
    const out = redactor.redactAttributes({ 'cmd.args': ['--auth', 'Bearer abcdefgh1234', 'x'] });
    expect(out?.['cmd.args']).toEqual(['--auth', `Bearer ${REDACTED}`, 'x']);
  });
});

describe('redaction options', () => {
  it('adds names and key patterns, masks e-mails, honours the allow list', () => {
    const custom = createRedactor({ deny: ['ssn', /^customer\.address\./], emails: true, allow: ['auth.token'] });
    const out = custom.redactAttributes({
      'customer.ssn': '123-45-6789',
      'customer.address.street': 'Main St',
      'user.email': 'ada@example.com',
      'auth.token': 'visible-on-purpose',
    });
    expect(out).toEqual({
      'customer.ssn': REDACTED,
      'customer.address.street': REDACTED,
      'user.email': '[REDACTED:email]',
      'auth.token': 'visible-on-purpose',
    });
  });

  it('replaceDefaults keeps only what is given', () => {
    const only = createRedactor({ replaceDefaults: true, deny: ['pin'] });
    expect(only.redactAttributes({ 'db.password': 'p', 'card.pin': '1234' })).toEqual({
      'db.password': 'p',
      'card.pin': REDACTED,
    });
  });
});

describe('redaction on export', () => {
  it('redacts span and event attributes before the exporter sees them, in the span itself, once', async () => {
    const { tracing, finished } = memoryTracing();
    const original = tracing.tracer.startActiveSpan('login', (span) => {
      span.setAttribute('http.request.header.authorization', 'Bearer sekrit-token-123');
      span.setAttribute('url.full', 'https://a.test/cb?token=t0p&page=2');
      span.addEvent('retry', { reason: 'Bearer sekrit-token-123 expired' });
      span.end();
      return span as unknown as ReadableSpan;
    });
    const [exported] = await finished();
    expect(exported).toBe(original);
    expect(exported?.attributes['http.request.header.authorization']).toBe(REDACTED);
    expect(exported?.events[0]?.attributes?.reason).toBe(`Bearer ${REDACTED} expired`);
    // Redacting again (an export retried, a second exporter) changes nothing.
    const once = structuredClone({ attributes: original.attributes, events: original.events });
    expect(redactSpan(original, redactor)).toBe(original);
    expect({ attributes: original.attributes, events: original.events }).toEqual(once);
    expect(redactor.redactAttributes(original.attributes)).toBeUndefined();
  });
});
