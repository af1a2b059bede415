import { describe, expect, it } from 'vitest';
import { RecentMap } from '../src/recent-map';

describe('RecentMap', () => {
  it('remembers at least the latest generationSize keys, and forgets keys two generations old', () => {
    const map = new RecentMap<string, number>(3);
    for (let i = 0; i < 7; i++) map.set(`k${i}`, i);
    // The latest three always answer, falsy values included.
    for (const i of [4, 5, 6]) expect(map.get(`k${i}`)).toBe(i);
    expect(map.has('k0')).toBe(false);
    expect(map.get('k0')).toBeUndefined();
    map.set('zero', 0);
    expect(map.get('zero')).toBe(0);
    expect(map.has('zero')).toBe(true);
  });

  it('counts a key written again as recent', () => {
    const map = new RecentMap<string, true>(2);
    map.set('a', true);
    map.set('b', true); // a, b move to the older generation
    map.set('a', true); // a written anew
    map.set('c', true); // a, c move to the older generation; b is forgotten
    expect(map.has('a')).toBe(true);
    expect(map.has('b')).toBe(false);
  });
});
