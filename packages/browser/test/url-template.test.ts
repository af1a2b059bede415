import { describe, expect, it } from 'vitest';
import { urlTemplateMatcher } from '../src/url-template';

// The grammar in url-template.ts's doc: a path, or an origin and a path; `{name}` is one non-empty segment.
describe('urlTemplateMatcher', () => {
  const match = urlTemplateMatcher([
    '/orders/{id}',
    'https://api.example.com/carts/{id}/items',
    'https://status.example.com',
  ]);
  const at = (url: string) => match(new URL(url));

  it('names a URL by the first template its path matches, segment by segment', () => {
    expect(at('https://shop.example.com/orders/7')).toBe('/orders/{id}');
    expect(at('https://shop.example.com/orders/7?x=1#y')).toBe('/orders/{id}');
    expect(at('https://api.example.com/carts/c-1/items')).toBe('/carts/{id}/items');
  });

  it('needs a non-empty segment for each parameter and the same number of segments', () => {
    expect(at('https://shop.example.com/orders/')).toBeUndefined();
    expect(at('https://shop.example.com/orders/7/lines')).toBeUndefined();
    expect(at('https://shop.example.com/orders')).toBeUndefined();
  });

  it('matches an origin-and-path template only on that origin', () => {
    expect(at('https://other.example.com/carts/c-1/items')).toBeUndefined();
    expect(at('http://api.example.com/carts/c-1/items')).toBeUndefined();
  });

  it('reads an origin without a path as that origin’s root path', () => {
    expect(at('https://status.example.com/')).toBe('/');
    expect(at('https://status.example.com')).toBe('/');
    expect(at('https://status.example.com/health')).toBeUndefined();
    expect(at('https://shop.example.com/')).toBeUndefined();
  });

  it('ignores templates that are not strings, and a function that throws or answers nothing', () => {
    expect(urlTemplateMatcher(['', 7 as unknown as string])(new URL('https://a.example/'))).toBeUndefined();
    expect(urlTemplateMatcher(undefined)(new URL('https://a.example/'))).toBeUndefined();
    const thrower = urlTemplateMatcher(() => {
      throw new Error('router not ready');
    });
    expect(thrower(new URL('https://a.example/x'))).toBeUndefined();
    expect(urlTemplateMatcher(() => '')(new URL('https://a.example/x'))).toBeUndefined();
    expect(urlTemplateMatcher((url) => `${url.pathname}!`)(new URL('https://a.example/x'))).toBe('/x!');
  });
});
