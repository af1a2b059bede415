import { describe, expect, it } from 'vitest';
import { Session } from '../src/session';
import { MapStorage } from './helpers';

const MIN = 60_000;

describe('Session', () => {
  it('keeps one id while active, shared through storage with another tab', () => {
    const storage = new MapStorage();
    const tab1 = new Session({}, storage);
    const id = tab1.id(0);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(tab1.id(10 * MIN)).toBe(id);
    expect(new Session({}, storage).id(11 * MIN)).toBe(id);
  });

  it('starts over after the idle timeout and after the maximum age', () => {
    const session = new Session({ idleTimeoutMs: 30 * MIN, maxAgeMs: 60 * MIN }, new MapStorage());
    const first = session.id(0);
    const second = session.id(31 * MIN);
    expect(second).not.toBe(first);
    let t = 31 * MIN;
    while (t < 31 * MIN + 60 * MIN) {
      t += 10 * MIN;
      session.id(t);
    }
    expect(session.id(t + 1)).not.toBe(second);
  });

  it('tells which id was current when a span started', () => {
    const session = new Session({ idleTimeoutMs: MIN }, new MapStorage());
    const first = session.id(1000);
    const second = session.id(1000 + 2 * MIN);
    expect(session.idAt(1500)).toBe(first);
    expect(session.idAt(1000 + 2 * MIN + 5)).toBe(second);
  });

  it('survives corrupt stored values and storage that throws', () => {
    const storage = new MapStorage();
    storage.setItem('wideline.session', '{"id":"<script>","startedAt":1}');
    expect(new Session({}, storage).id(5)).toMatch(/^[0-9a-f]{32}$/);
    const broken = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const session = new Session({}, broken);
    const id = session.id(0);
    expect(session.id(1000)).toBe(id);
  });
});
