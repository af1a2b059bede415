/**
 * Span ids drawn before their span starts. A hibernatable WebSocket connection's span starts only
 * when the socket closes — perhaps in a later instance of the object, after eviction — yet the
 * messages that arrive before then link to it. So its ids are drawn when the socket is accepted,
 * kept in the socket's attachment, and handed to the SDK when the span finally starts.
 *
 * Every other id is random, from core's `randomHex` (Math.random through a hex table: the SDK's Node
 * generator goes through `Buffer`, a JavaScript polyfill in workerd), and the generator is a subclass
 * of the SDK's, so core keeps the W3C Level 2 random-trace-id flag on new roots.
 *
 * @internal
 * @module
 */
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import { randomHex } from '@wideline/core/sdk';

/** Ids a span is to start with; `traceId` only matters for a root. */
export interface ReservedIds {
  spanId: string;
  traceId?: string;
}

/**
 * Random ids, except for the one span started inside {@link startWithIds}. One per isolate runtime,
 * given to its tracer provider. A subclass of the SDK's generator (whose members it replaces) so
 * that core knows its ids are random and keeps the Level 2 flag on new roots.
 */
export class ReservingIdGenerator extends RandomIdGenerator {
  #spanId: string | undefined;
  #traceId: string | undefined;

  constructor() {
    super();
    // Assigned, not declared as methods: the SDK's Node build defines its members as instance fields.
    this.generateSpanId = () => {
      const id = this.#spanId ?? randomHex(8);
      this.#spanId = undefined;
      return id;
    };
    this.generateTraceId = () => {
      const id = this.#traceId ?? randomHex(16);
      this.#traceId = undefined;
      return id;
    };
  }

  /** Runs `start` (which starts one span, synchronously) with `ids` as that span's ids. */
  startWithIds<T>(ids: ReservedIds, start: () => T): T {
    this.#spanId = ids.spanId;
    this.#traceId = ids.traceId;
    try {
      return start();
    } finally {
      this.#spanId = undefined;
      this.#traceId = undefined;
    }
  }
}

/** Fresh random ids for a span that starts later. */
export function drawIds(): Required<ReservedIds> {
  return { spanId: randomHex(8), traceId: randomHex(16) };
}
