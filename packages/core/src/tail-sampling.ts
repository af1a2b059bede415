/**
 * Tail sampling inside the process: every span of a unit of work is held until the unit's local root
 * ends, then the whole unit is kept or dropped together. Errors and slow units are always kept;
 * the rest by a trace-id ratio, so services agree; a caller can force a keep (see `traceresponse`).
 *
 * Not for traces whose parts end in different processes and must all be kept on one decision: that
 * needs a collector-side tail sampler. Within a process, a trace kept once stays kept.
 *
 * @module
 */
import { type Attributes, type Context, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SAMPLE_RATE_ATTRIBUTE, SAMPLING_REASON_ATTRIBUTE } from './conventions';
import { localRootIdOf } from './local-root';
import { RecentMap } from './recent-map';
import { traceIdRatio } from './sampling';
import { estimateSpanBytes, hrTimeToMs } from './span-view';

/** One finished unit of work as the `keep` predicate sees it. */
export interface TailUnit {
  root: ReadableSpan;
  spans: readonly ReadableSpan[];
  errored: boolean;
}

/** Options for {@link TailSamplingProcessor}. */
export interface TailSamplingOptions {
  /** Keep units whose root took at least this many ms. Default 1000. */
  slowMs?: number;
  /** Probability of keeping a unit no rule kept, 0..1. Default 0.1. */
  probability?: number;
  /** Keep the unit when this returns true (e.g. a VIP customer). */
  keep?: (unit: TailUnit) => boolean;
  /** Spans held per unit; more are dropped and counted. Default 1000. */
  maxSpansPerTrace?: number;
  /** Units held at once; the oldest is decided early past this. Default 1000. */
  maxTraces?: number;
  /** Estimated bytes held; the oldest units are decided early past this. Default 32 MiB. */
  maxBytes?: number;
  /** A unit whose root has not ended after this long is decided early. Default 5 minutes. */
  maxHoldMs?: number;
}

/** Why a unit was kept; stamped on its root as `wideline.sampling.reason`. */
export type TailReason = 'forced' | 'error' | 'slow' | 'predicate' | 'probability';

/** Counters of the tail sampler. */
export interface TailStats {
  tracesKept: number;
  tracesDropped: number;
  tracesDecidedEarly: number;
  spansDropped: number;
  spansOverflowed: number;
  spansHeld: number;
  bytesHeld: number;
}

interface Unit {
  traceId: string;
  rootId: string;
  spans: ReadableSpan[];
  bytes: number;
  errored: boolean;
  heldSince: number;
  /** The live root span (from onStart): its status and start are read before it ends, by `wouldKeep`. */
  liveRoot?: Span;
}

/** Decisions remembered: at least this many of the latest (see RecentMap), at most twice as many. */
const DECISION_MEMORY = 10_000;
/** Units held past `maxHoldMs` are looked for at most this often, not on every new unit. */
const HOLD_CHECK_MS = 1000;

/** The tail-sampling span processor; forwards kept spans to `next` (the export pipeline). */
export class TailSamplingProcessor implements SpanProcessor {
  readonly #next: SpanProcessor;
  readonly #slowMs: number;
  readonly #probability: number;
  readonly #keep: ((unit: TailUnit) => boolean) | undefined;
  readonly #maxSpans: number;
  readonly #maxTraces: number;
  readonly #maxBytes: number;
  readonly #maxHoldMs: number;
  readonly #units = new Map<string, Unit>();
  /** Root span id → weight of a decided unit (0 = dropped), for spans that end after their root. */
  readonly #decided = new RecentMap<string, number>(DECISION_MEMORY);
  /** Trace ids kept (or forced) in this process: later units of the same trace are kept too. */
  readonly #keptTraces = new RecentMap<string, true>(DECISION_MEMORY);
  /** When the oldest unit is next checked against `maxHoldMs`. */
  #nextHoldCheck = 0;
  readonly #stats: TailStats = {
    tracesKept: 0,
    tracesDropped: 0,
    tracesDecidedEarly: 0,
    spansDropped: 0,
    spansOverflowed: 0,
    spansHeld: 0,
    bytesHeld: 0,
  };

  constructor(next: SpanProcessor, options: TailSamplingOptions = {}) {
    this.#next = next;
    this.#slowMs = options.slowMs ?? 1000;
    this.#probability = options.probability ?? 0.1;
    this.#keep = options.keep;
    this.#maxSpans = options.maxSpansPerTrace ?? 1000;
    this.#maxTraces = options.maxTraces ?? 1000;
    this.#maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.#maxHoldMs = options.maxHoldMs ?? 5 * 60_000;
  }

  /** A snapshot of the counters. */
  stats(): TailStats {
    return { ...this.#stats };
  }

  /** Forces every unit of `traceId` in this process to be kept, e.g. after a callee's `traceresponse`. */
  keepTrace(traceId: string): void {
    this.#keptTraces.set(traceId, true);
  }

  /**
   * Whether the trace would be kept if decided now: forced, errored so far (an ended span, or the root's
   * current status), slow so far, or within the ratio. Used to answer `traceresponse` before the unit
   * has ended; a `true` answer is made binding.
   */
  wouldKeep(traceId: string): boolean {
    let keep = this.#keptTraces.has(traceId) || traceIdRatio(traceId) < this.#probability;
    const now = Date.now();
    for (const unit of this.#units.values()) {
      if (keep) break;
      if (unit.traceId !== traceId) continue;
      const root = unit.liveRoot;
      keep =
        unit.errored ||
        (root !== undefined &&
          (root.status.code === SpanStatusCode.ERROR || now - hrTimeToMs(root.startTime) >= this.#slowMs));
    }
    if (keep) this.keepTrace(traceId);
    return keep;
  }

  onStart(span: Span, parentContext: Context): void {
    this.#next.onStart(span, parentContext);
    const { spanId, traceId } = span.spanContext();
    const rootId = localRootIdOf(span);
    // A local root opens a new unit (its id cannot have been decided); a child joins its root's
    // unit, looked up once, and only a child of an already decided root (a span started after its
    // root ended) reaches the decisions.
    if (rootId === spanId) this.#newUnit(rootId, traceId).liveRoot = span;
    else if (!this.#units.has(rootId) && !this.#decided.has(rootId)) this.#newUnit(rootId, traceId);
  }

  onEnd(span: ReadableSpan): void {
    const rootId = localRootIdOf(span);
    let unit = this.#units.get(rootId);
    if (!unit) {
      const weight = this.#decided.get(rootId);
      if (weight !== undefined) {
        if (weight > 0) this.#forward(span, weight);
        else this.#stats.spansDropped++;
        return;
      }
      unit = this.#newUnit(rootId, span.spanContext().traceId);
    }
    if (span.status.code === SpanStatusCode.ERROR) unit.errored = true;
    if (unit.spans.length >= this.#maxSpans) {
      this.#stats.spansOverflowed++;
    } else {
      const bytes = estimateSpanBytes(span);
      unit.spans.push(span);
      unit.bytes += bytes;
      this.#stats.bytesHeld += bytes;
      this.#stats.spansHeld++;
    }
    if (rootId === span.spanContext().spanId) this.#decide(unit, span);
    while (this.#stats.bytesHeld > this.#maxBytes && this.#units.size > 0) this.#decideOldestEarly();
  }

  forceFlush(): Promise<void> {
    return this.#next.forceFlush();
  }

  async shutdown(): Promise<void> {
    while (this.#units.size > 0) this.#decideOldestEarly();
    await this.#next.shutdown();
  }

  #newUnit(rootId: string, traceId: string): Unit {
    const now = Date.now();
    while (this.#units.size >= this.#maxTraces) this.#decideOldestEarly();
    if (now >= this.#nextHoldCheck) {
      this.#nextHoldCheck = now + Math.min(HOLD_CHECK_MS, this.#maxHoldMs);
      const oldest = this.#units.values().next().value;
      if (oldest && now - oldest.heldSince > this.#maxHoldMs) this.#decideOldestEarly();
    }
    const unit: Unit = { traceId, rootId, spans: [], bytes: 0, errored: false, heldSince: now };
    this.#units.set(rootId, unit);
    return unit;
  }

  #decideOldestEarly(): void {
    const oldest = this.#units.values().next().value;
    if (!oldest) return;
    this.#stats.tracesDecidedEarly++;
    this.#decide(oldest, undefined);
  }

  #reason(unit: Unit, root: ReadableSpan | undefined): TailReason | undefined {
    if (this.#keptTraces.has(unit.traceId)) return 'forced';
    if (unit.errored) return 'error';
    if (root && hrTimeToMs(root.duration) >= this.#slowMs) return 'slow';
    if (root && this.#keep?.({ root, spans: unit.spans, errored: unit.errored })) return 'predicate';
    // traceIdRatio is below 1 for every id: a probability of 1 keeps without reading the id.
    if (this.#probability >= 1 || traceIdRatio(unit.traceId) < this.#probability) return 'probability';
    return undefined;
  }

  #decide(unit: Unit, root: ReadableSpan | undefined): void {
    this.#units.delete(unit.rootId);
    this.#stats.bytesHeld -= unit.bytes;
    this.#stats.spansHeld -= unit.spans.length;
    let reason: TailReason | undefined;
    try {
      reason = this.#reason(unit, root);
    } catch {
      reason = 'error'; // a throwing predicate must not lose a unit that may matter
    }
    if (!reason) {
      this.#decided.set(unit.rootId, 0);
      this.#stats.tracesDropped++;
      this.#stats.spansDropped += unit.spans.length;
      return;
    }
    const headRate = root?.attributes[SAMPLE_RATE_ATTRIBUTE];
    const weight =
      (typeof headRate === 'number' ? headRate : 1) * (reason === 'probability' ? 1 / this.#probability : 1);
    this.#decided.set(unit.rootId, weight);
    this.#keptTraces.set(unit.traceId, true);
    this.#stats.tracesKept++;
    for (const span of unit.spans) this.#forward(span, weight, span === root ? reason : undefined);
  }

  #forward(span: ReadableSpan, weight: number, reason?: TailReason): void {
    // Stamped in place: this processor is the last before export, so every other processor has already
    // seen the finished span, and the SDK never touches it again. A copy per kept span cost more CPU
    // than the rest of the pipeline together (bench/core). A weight of 1 is the identity and is left
    // off (absent means 1), saving an attribute per span in the common keep-everything case.
    if (weight !== 1 || reason) {
      const attributes = span.attributes as Attributes;
      attributes[SAMPLE_RATE_ATTRIBUTE] = weight;
      if (reason) attributes[SAMPLING_REASON_ATTRIBUTE] = reason;
    }
    this.#next.onEnd(span);
  }
}
