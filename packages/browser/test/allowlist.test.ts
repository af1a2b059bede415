import { describe, expect, it } from 'vitest';
import { propagationAllowlist } from '../src/allowlist';

describe('propagationAllowlist', () => {
  const allowed = propagationAllowlist(
    ['https://api.example.com', 'https://cdn.example.com/api/', /^https:\/\/[a-z]+\.internal\.example\//],
    {
      base: 'https://shop.example.com/cart',
    },
  );

  it('allows the page origin, listed origins, prefixes and patterns', () => {
    expect(allowed('/api/buy')).toBe(true);
    expect(allowed('https://shop.example.com/x')).toBe(true);
    expect(allowed('https://api.example.com/v1/orders?id=1')).toBe(true);
    expect(allowed('https://cdn.example.com/api/v2')).toBe(true);
    expect(allowed('https://billing.internal.example/charge')).toBe(true);
  });

  it('refuses third parties, look-alike hosts, other schemes, other ports and garbage', () => {
    expect(allowed('https://www.google-analytics.com/collect')).toBe(false);
    expect(allowed('https://api.example.com.evil.io/')).toBe(false);
    expect(allowed('https://cdn.example.com/static/app.js')).toBe(false);
    expect(allowed('http://api.example.com/')).toBe(false);
    expect(allowed('https://api.example.com:8443/')).toBe(false);
    expect(allowed('data:text/plain,hi')).toBe(false);
    expect(allowed('http://[bad')).toBe(false);
  });

  it('can leave out the page origin', () => {
    const strict = propagationAllowlist([], { base: 'https://shop.example.com/', sameOrigin: false });
    expect(strict('/api/buy')).toBe(false);
  });

  it('matches URL prefixes by path segment (core createTargetMatcher), and rejects malformed entries', () => {
    const api = propagationAllowlist(['https://h.example.com/api'], { base: 'https://shop.example.com/' });
    expect(['/api', '/api/x', '/api?q=1', '/apiary', '/api-v2'].map((p) => api(`https://h.example.com${p}`))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(() => propagationAllowlist(['https://'])).toThrow(/propagateTo/);
  });
});
