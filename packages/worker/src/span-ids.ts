/**
 * Span ids drawn before their span starts. A hibernatable WebSocket connection's span starts only
 * when the socket closes — perhaps in a later instance of the object, after eviction — yet the
 * messages that arrive before then link to it. So its ids are drawn when the socket is accepted,
 * kept in the socket's attachment, and handed to the SDK when the span finally starts.
 *
 * Ids stay the SDK's random ones (a subclass of its generator, so core keeps the W3C Level 2
 * random-trace-id flag on new roots).
 *
 * @internal
 * @module
 */
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';

/** Ids a span is to start with; `traceId` only matters for a root. */
export interface ReservedIds {
  spanId: string;
  traceId?: string;
}

/**
 * The SDK's random generator, except for the one span started inside {@link startWithIds}. One per
 * isolate runtime, given to its tracer provider.
 */
export class ReservingIdGenerator extends RandomIdGenerator {
  #next: ReservedIds | undefined;

  constructor() {
    super();
    const randomSpanId = this.generateSpanId;
    const randomTraceId = this.generateTraceId;
    this.generateSpanId = () => {
      const id = this.#next?.spanId;
      if (this.#next) this.#next = { ...this.#next, spanId: '' };
      return id || randomSpanId();
    };
    this.generateTraceId = () => {
      const id = this.#next?.traceId;
      if (this.#next) this.#next = { spanId: this.#next.spanId };
      return id || randomTraceId();
    };
  }

  /** Runs `start` (which starts one span, synchronously) with `ids` as that span's ids. */
  startWithIds<T>(ids: ReservedIds, start: () => T): T {
    this.#next = ids;
    try {
      return start();
    } finally {
      this.#next = undefined;
    }
  }
}

const random = new RandomIdGenerator();

/** Fresh random ids for a span that starts later. */
export function drawIds(): Required<ReservedIds> {
  return { spanId: random.generateSpanId(), traceId: random.generateTraceId() };
}
