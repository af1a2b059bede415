import { describe, expect, it } from 'vitest';
import { OfflineQueue } from '../src/offline-queue';
import { MapStorage } from './helpers';

describe('OfflineQueue', () => {
  it('hands each stored body out once, oldest first, and is empty afterwards', () => {
    const storage = new MapStorage();
    const queue = new OfflineQueue(storage);
    queue.push('a', 1);
    queue.push('b', 2);
    // A second tab (or a reload) sees the same queue, minus what was claimed.
    expect(queue.claim(3)).toBe('a');
    expect(new OfflineQueue(storage).claim(3)).toBe('b');
    expect(queue.claim(3)).toBeUndefined();
    expect(storage.map.size).toBe(0);
  });

  it('stays within its entry and byte bounds by evicting the oldest', () => {
    const queue = new OfflineQueue(new MapStorage(), { maxEntries: 2, maxBytes: 10 });
    expect(queue.push('1111', 1)).toBe(0);
    expect(queue.push('2222', 2)).toBe(0);
    expect(queue.push('3333', 3)).toBe(1);
    expect(queue.size(3)).toBe(2);
    expect(queue.push('x'.repeat(11), 4)).toBe(1);
    expect(queue.claim(5)).toBe('2222');
  });

  it('drops bodies past their age and ignores corrupt storage', () => {
    const storage = new MapStorage();
    const queue = new OfflineQueue(storage, { maxAgeMs: 100 });
    queue.push('old', 0);
    expect(queue.claim(1000)).toBeUndefined();
    storage.setItem('wideline.queue', '{not json');
    expect(queue.claim(0)).toBeUndefined();
    expect(queue.push('fresh', 0)).toBe(0);
    expect(queue.claim(1)).toBe('fresh');
  });
});
