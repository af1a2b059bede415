import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomHex } from '../src/random-ids';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('randomHex', () => {
  it('gives lowercase hex of twice the byte count', () => {
    for (let i = 0; i < 200; i++) {
      expect(randomHex(8)).toMatch(/^[0-9a-f]{16}$/);
      expect(randomHex(16)).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('never gives an all-zero id, even when every byte drawn is zero', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(randomHex(8)).toBe('0000000000000001');
    expect(randomHex(16)).toBe('00000000000000000000000000000001');
  });

  it('uses every byte value, 0x00 to 0xff', () => {
    vi.spyOn(Math, 'random').mockReturnValueOnce(0).mockReturnValueOnce(0.999_999).mockReturnValueOnce(0.5);
    expect(randomHex(3)).toBe('00ff80');
  });
});
