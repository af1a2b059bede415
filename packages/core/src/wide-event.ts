/**
 * The wide event: one rich record per unit of work, which in Wideline *is* the unit's local root span.
 * Code anywhere inside the unit, however deep in child spans, adds fields to that root.
 *
 * @example
 * import { wideEvent } from '@wideline/core';
 *
 * async function handleCheckout(cart: Cart) {
 *   wideEvent().set('cart.items', cart.items.length).set('user.tier', cart.user.tier);
 *   for (const item of cart.items) wideEvent().countBy('cart.items_by_kind', item.kind);
 * }
 * @module
 */
import { type Attributes, type AttributeValue, type Span, trace } from '@opentelemetry/api';
import { localRootOf } from './local-root';
import { recordError } from './record-error';

const COUNTERS = Symbol.for('wideline.counters');
/** Distinct buckets per `countBy` key; more fall into `<key>.other` to keep cardinality bounded. */
export const MAX_BUCKETS_PER_KEY = 32;
const BUCKET_UNSAFE_RE = /[^A-Za-z0-9_\-:]/g;

type WithCounters = { [COUNTERS]?: Map<string, number> };

/** Fields and counters on the current unit of work's root span. */
export interface WideEvent {
  /** False when there is no recording unit of work (no active span, or it was sampled out). */
  readonly isRecording: boolean;
  /** The unit's trace id, or `undefined` when there is none. */
  readonly traceId: string | undefined;
  /** Sets one field; `undefined` is ignored. */
  set(key: string, value: AttributeValue | undefined): WideEvent;
  /** Sets several fields. */
  setAll(fields: Attributes): WideEvent;
  /** Adds `by` (default 1) to a numeric field. */
  increment(key: string, by?: number): WideEvent;
  /** Adds `by` to `<key>.<bucket>`, e.g. messages by type. At most 32 buckets per key. */
  countBy(key: string, bucket: string | number, by?: number): WideEvent;
  /** Marks the unit failed: ERROR status, the exception recorded, `error.type` set. */
  recordError(error: unknown): WideEvent;
}

class RootWideEvent implements WideEvent {
  readonly #root: Span & WithCounters;

  constructor(root: Span) {
    this.#root = root;
  }

  get isRecording(): boolean {
    return this.#root.isRecording();
  }

  get traceId(): string {
    return this.#root.spanContext().traceId;
  }

  set(key: string, value: AttributeValue | undefined): WideEvent {
    if (value !== undefined) this.#root.setAttribute(key, value);
    return this;
  }

  setAll(fields: Attributes): WideEvent {
    this.#root.setAttributes(fields);
    return this;
  }

  /** Running counter values, kept beside the root span so every `wideEvent()` handle shares them. */
  #counters(): Map<string, number> {
    let counters = this.#root[COUNTERS];
    if (!counters) {
      counters = new Map();
      this.#root[COUNTERS] = counters;
    }
    return counters;
  }

  increment(key: string, by = 1): WideEvent {
    if (!Number.isFinite(by)) return this;
    const counters = this.#counters();
    const next = (counters.get(key) ?? 0) + by;
    counters.set(key, next);
    this.#root.setAttribute(key, next);
    return this;
  }

  countBy(key: string, bucket: string | number, by = 1): WideEvent {
    const counters = this.#counters();
    let name = `${key}.${String(bucket).replace(BUCKET_UNSAFE_RE, '_').slice(0, 64)}`;
    if (!counters.has(name)) {
      const bucketsKey = `${key}\u0000buckets`;
      const buckets = counters.get(bucketsKey) ?? 0;
      if (buckets >= MAX_BUCKETS_PER_KEY) name = `${key}.other`;
      else counters.set(bucketsKey, buckets + 1);
    }
    return this.increment(name, by);
  }

  recordError(error: unknown): WideEvent {
    recordError(this.#root, error);
    return this;
  }
}

const NOOP_EVENT: WideEvent = {
  isRecording: false,
  traceId: undefined,
  set: () => NOOP_EVENT,
  setAll: () => NOOP_EVENT,
  increment: () => NOOP_EVENT,
  countBy: () => NOOP_EVENT,
  recordError: () => NOOP_EVENT,
};

/**
 * The wide event of the unit of work that `span` (default: the active span) belongs to. Outside any
 * unit of work it returns a no-op event, so callers never need to check.
 */
export function wideEvent(span: Span | undefined = trace.getActiveSpan()): WideEvent {
  if (!span) return NOOP_EVENT;
  const root = localRootOf(span);
  return root.isRecording() ? new RootWideEvent(root) : NOOP_EVENT;
}
