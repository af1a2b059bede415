import { DelayedError, RateLimitError, UnrecoverableError, WaitingChildrenError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { classifyThrown } from '../src/outcome';

describe('what a thrown value means', () => {
  it('tells a retryable failure from the final one', () => {
    expect(classifyThrown(new Error('x'), 0, 3)).toEqual({ outcome: 'retry', isFailure: true, final: false });
    expect(classifyThrown(new Error('x'), 2, 3)).toEqual({ outcome: 'failed', isFailure: true, final: true });
    expect(classifyThrown(new Error('x'), 0, 1)).toEqual({ outcome: 'failed', isFailure: true, final: true });
  });

  it('an UnrecoverableError is final on any attempt', () => {
    expect(classifyThrown(new UnrecoverableError('no'), 0, 5)).toMatchObject({ outcome: 'failed', final: true });
  });

  it('so is an error of a class derived from it, whatever its name (BullMQ goes by instanceof too)', () => {
    class OrderFailedError extends UnrecoverableError {
      override name = 'OrderFailedError';
    }
    expect(classifyThrown(new OrderFailedError('compensated'), 0, 5)).toMatchObject({ outcome: 'failed', final: true });
    expect(classifyThrown(Object.create(null), 0, 5)).toMatchObject({ outcome: 'retry', final: false });
  });

  it('BullMQ control flow is not a failure', () => {
    expect(classifyThrown(new DelayedError(), 0, 1)).toMatchObject({ outcome: 'delayed', isFailure: false });
    expect(classifyThrown(new WaitingChildrenError(), 0, 1)).toMatchObject({
      outcome: 'waiting_children',
      isFailure: false,
    });
    expect(classifyThrown(new RateLimitError(), 0, 1)).toMatchObject({ outcome: 'rate_limited', isFailure: false });
  });

  it('survives thrown non-errors', () => {
    expect(classifyThrown(undefined, 0, 1)).toMatchObject({ outcome: 'failed' });
    expect(classifyThrown('boom', 0, 2)).toMatchObject({ outcome: 'retry' });
  });
});
