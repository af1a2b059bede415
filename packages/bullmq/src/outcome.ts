/**
 * What an attempt's thrown value means to BullMQ. Some throws are control flow, not failures:
 * `DelayedError` (the job moved itself to delayed), `WaitingChildrenError` (it waits for its
 * children), `WaitingError` (moved back to wait) and the rate-limit error. A failure is final when
 * it is an `UnrecoverableError` (or of a class derived from it) or the attempts are used up; otherwise
 * BullMQ retries.
 *
 * Errors are told apart by name, not `instanceof`, so a second copy of BullMQ (or a sandboxed
 * processor's serialised error) is classified the same way.
 *
 * @internal
 * @module
 */

/** An attempt's outcome, recorded as `messaging.bullmq.job.outcome`. */
export type AttemptOutcome =
  | 'completed'
  | 'retry'
  | 'failed'
  | 'delayed'
  | 'waiting_children'
  | 'waiting'
  | 'rate_limited';

/** The classification of a thrown value. */
export interface ThrownOutcome {
  outcome: AttemptOutcome;
  /** True for failures (ERROR status); false for BullMQ control flow. */
  isFailure: boolean;
  /** True when BullMQ will not try again. */
  final: boolean;
}

const RATE_LIMIT_MESSAGE = 'bullmq:rateLimitExceeded';

const CONTROL_FLOW: Record<string, AttemptOutcome> = {
  DelayedError: 'delayed',
  WaitingChildrenError: 'waiting_children',
  WaitingError: 'waiting',
  RateLimitError: 'rate_limited',
};

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * An `UnrecoverableError`, or an error of a class derived from it (BullMQ goes by `instanceof` as
 * well as by name): the constructors along the prototype chain are looked at by name.
 */
function isUnrecoverable(error: unknown): boolean {
  if (field(error, 'name') === 'UnrecoverableError') return true;
  if (typeof error !== 'object' || error === null) return false;
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  )
    if ((proto.constructor as { name?: unknown } | undefined)?.name === 'UnrecoverableError') return true;
  return false;
}

/** Classifies what a processor threw, given the attempt it was on and the attempts allowed. */
export function classifyThrown(error: unknown, attemptsMade: number, maxAttempts: number): ThrownOutcome {
  const name = field(error, 'name');
  const control = typeof name === 'string' ? CONTROL_FLOW[name] : undefined;
  if (control) return { outcome: control, isFailure: false, final: false };
  if (field(error, 'message') === RATE_LIMIT_MESSAGE)
    return { outcome: 'rate_limited', isFailure: false, final: false };
  const final = isUnrecoverable(error) || attemptsMade + 1 >= Math.max(1, maxAttempts);
  return { outcome: final ? 'failed' : 'retry', isFailure: true, final };
}
