import { describe, expect, it } from 'vitest';
import { type AttemptFacts, planStart } from '../src/start-policy';

const creation = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, isRemote: true };
const previous = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1, isRemote: true };
const base: AttemptFacts = {
  stored: { creation, children: [], rejected: false },
  previous: undefined,
  policy: 'link',
  attemptsMade: 0,
  started: 1,
  stalled: false,
  delayed: false,
  repeat: false,
  old: false,
};

describe('where an attempt starts', () => {
  it('a fresh job’s first attempt is a child of its creation context, with no link', () => {
    expect(planStart(base)).toEqual({ reason: 'fresh', parent: creation, links: [] });
  });

  for (const [reason, facts] of [
    ['retry', { attemptsMade: 1, started: 2 }],
    ['delayed', { delayed: true }],
    ['repeat', { repeat: true }],
    ['old', { old: true }],
  ] as const) {
    it(`${reason}: a new root linked to the creation context by default; per policy otherwise`, () => {
      expect(planStart({ ...base, ...facts })).toEqual({ reason, parent: undefined, links: [[creation, 'creation']] });
      expect(planStart({ ...base, ...facts, policy: 'parent' })).toEqual({ reason, parent: creation, links: [] });
      expect(planStart({ ...base, ...facts, policy: 'both' })).toEqual({
        reason,
        parent: creation,
        links: [[creation, 'creation']],
      });
    });
  }

  it('a stalled re-pick continues its trace and links to the crashed attempt', () => {
    expect(planStart({ ...base, started: 2, stalled: true, previous })).toEqual({
      reason: 'stalled',
      parent: creation,
      links: [[previous, 'previous_attempt']],
    });
  });

  it('a retry links to the creation context and to the previous attempt', () => {
    expect(planStart({ ...base, attemptsMade: 1, started: 2, previous }).links).toEqual([
      [creation, 'creation'],
      [previous, 'previous_attempt'],
    ]);
  });

  it('without a usable stored context the attempt is a root', () => {
    expect(planStart({ ...base, stored: { creation: undefined, children: [], rejected: true } })).toEqual({
      reason: 'none',
      parent: undefined,
      links: [],
    });
  });
});
