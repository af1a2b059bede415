/**
 * Activities: what the page is busy with (loading, an interaction, a navigation), and scopes: an
 * explicit `withSpan` span whose callback is still pending. Browsers have no async context, so
 * after an `await` the question "which span does this code belong to?" has no exact answer; the
 * tracker answers it with what can be known, and says so when it cannot (docs/browser-parenting.md):
 *
 * - during the synchronous dispatch of an interaction's event, that interaction owns the code;
 * - one trace open (an interaction, its navigation, a pending `withSpan` inside it): the newest of
 *   them is the parent;
 * - several traces open (overlapping interactions): no parent; a request links to each candidate;
 * - nothing open, an activity ended a moment ago: no parent; a request links to that activity.
 *
 * Each activity ends after `idleMs` with no open requests, or after `maxMs` at the latest.
 *
 * @internal
 * @module
 */
import { type Context, context, type Link, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import {
  LINK_REASON_ATTRIBUTE,
  LINK_TYPE_ATTRIBUTE,
  LINK_TYPE_CANDIDATE_PARENT,
  LINK_TYPE_LIKELY_PARENT,
} from '@wideline/core/conventions';
import type { AmbientContextManager } from './context-manager';

/** Why an activity ended. */
export type IdleReason = 'idle' | 'timeout' | 'replaced' | 'hidden';

/** What started an activity. A page load stops being a parent candidate once the user acts. */
export type ActivityKind = 'load' | 'interaction' | 'navigation';

/** One unit the page is busy with. */
export interface Activity {
  readonly ctx: Context;
  readonly kind: ActivityKind;
  pending: number;
  ended: boolean;
}

/** Options for {@link ActivityTracker}. */
export interface ActivityOptions {
  /** Quiet time (no open requests) after which an activity ends. Default 500 ms. */
  idleMs?: number;
  /** An activity ends after this long even with requests open. Default 30 000 ms. */
  maxMs?: number;
  /**
   * A request started this long after the last activity ended, with nothing open, links to that
   * activity (`wideline.link.type = likely_parent`). Default 10 000 ms; 0 for no such link.
   */
  lateLinkMs?: number;
}

/** The parent a new span gets when nothing explicit is active, and the links that explain it. */
export interface ParentChoice {
  ctx: Context;
  links: Link[];
  /** The activity the span belongs to (it holds it open), if any. */
  activity: Activity | undefined;
}

interface Tracked extends Activity {
  readonly seq: number;
  onEnd: (reason: IdleReason) => void;
  idleTimer?: ReturnType<typeof setTimeout>;
  maxTimer: ReturnType<typeof setTimeout> | undefined;
  /** A page load after the user started something: open for its own requests, no longer a parent. */
  superseded: boolean;
}

/** An open parent candidate: an activity, or a pending `withSpan` scope. */
interface Candidate {
  readonly ctx: Context;
  readonly seq: number;
  readonly activity: Tracked | undefined;
}

type Resolution = { ctx: Context; activity: Tracked | undefined } | { ctx: undefined; candidates: Candidate[] };

const traceKey = (ctx: Context): string => trace.getSpanContext(ctx)?.traceId ?? '';

let current: ActivityTracker | undefined;

/** The page's tracker, for `withSpan` (which has only the OTel API in hand). */
export function pageActivities(): ActivityTracker | undefined {
  return current;
}

/** The page tracker's {@link ActivityTracker.parentFor}, or the active context when none runs. */
export function parentNow(): ParentChoice {
  return current?.parentFor() ?? { ctx: context.active(), links: [], activity: undefined };
}

/** Starts and ends activities and tells the context manager which one (if any) is the parent now. */
export class ActivityTracker {
  readonly #manager: AmbientContextManager;
  readonly #idleMs: number;
  readonly #maxMs: number;
  readonly #lateLinkMs: number;
  readonly #open = new Set<Tracked>();
  readonly #scopes = new Set<Candidate>();
  #seq = 0;
  #owner: Tracked | undefined;
  #last: { spanContext: SpanContext; endedAt: number } | undefined;

  constructor(manager: AmbientContextManager, options: ActivityOptions = {}) {
    this.#manager = manager;
    this.#idleMs = options.idleMs ?? 500;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#lateLinkMs = options.lateLinkMs ?? 10_000;
    manager.setResolver(() => this.#resolve().ctx);
    current = this;
  }

  /** Opens an activity for `ctx`; `onEnd` runs once when it ends. */
  start(ctx: Context, onEnd: (reason: IdleReason) => void, kind: ActivityKind = 'interaction'): Activity {
    if (kind !== 'load') for (const open of this.#open) if (open.kind === 'load') open.superseded = true;
    const activity: Tracked = {
      ctx,
      kind,
      seq: ++this.#seq,
      pending: 0,
      ended: false,
      superseded: false,
      onEnd,
      maxTimer: setTimeout(() => this.end(activity, 'timeout'), this.#maxMs),
    };
    this.#open.add(activity);
    this.#scheduleIdle(activity);
    return activity;
  }

  /**
   * Makes `activity` the certain owner of the code that runs for `event` now: the page's own
   * listeners of this dispatch and the microtasks they queue. Ends with the dispatch — at a bubble
   * listener added to `window` now (which runs after the page's), or at the next task when the
   * event does not reach it (stopped propagation, an event that does not bubble).
   */
  own(activity: Activity, event: Event): void {
    const tracked = activity as Tracked;
    this.#owner = tracked;
    const release = () => {
      if (this.#owner === tracked) this.#owner = undefined;
      clearTimeout(timer);
      globalThis.removeEventListener?.(event.type, release);
    };
    const timer = setTimeout(release, 0);
    globalThis.addEventListener?.(event.type, release, { once: true });
  }

  /**
   * Keeps `ctx` (an explicit span's context) a parent candidate until the returned close is called,
   * e.g. while a `withSpan` callback's promise is pending, and holds its activity open meanwhile.
   */
  openScope(ctx: Context): () => void {
    const activity = this.#activityOf(ctx);
    const scope: Candidate = { ctx, seq: ++this.#seq, activity };
    this.#scopes.add(scope);
    const release = this.hold(activity);
    return () => {
      this.#scopes.delete(scope);
      release();
    };
  }

  /** The activity that would parent a span started now, if one would. */
  current(): Activity | undefined {
    const resolved = this.#resolve();
    return resolved.ctx ? resolved.activity : undefined;
  }

  /**
   * The parent for a request or message span started now, with links that explain a missing one:
   * the explicit context if code set one, else the ambient choice; when several traces are open,
   * none, linked to each (`candidate_parent`, reason `overlapping_activities`); when nothing is open
   * but an activity ended at most `lateLinkMs` ago, none, linked to it (`likely_parent`, `after_idle`).
   */
  parentFor(): ParentChoice {
    const explicit = this.#manager.explicit();
    if (explicit) return { ctx: explicit, links: [], activity: this.#activityOf(explicit) };
    const resolved = this.#resolve();
    if (resolved.ctx) return { ...resolved, links: [] };
    const { candidates } = resolved;
    const links =
      candidates.length > 0
        ? candidates.flatMap((c) => {
            const spanContext = trace.getSpanContext(c.ctx);
            if (!spanContext) return [];
            const attributes = {
              [LINK_TYPE_ATTRIBUTE]: LINK_TYPE_CANDIDATE_PARENT,
              [LINK_REASON_ATTRIBUTE]: 'overlapping_activities',
              'wideline.link.candidates': candidates.length,
            };
            return [{ context: spanContext, attributes }];
          })
        : this.#lateLink();
    return { ctx: ROOT_CONTEXT, links, activity: undefined };
  }

  /**
   * Keeps `activity` (default: the one that parents a span started now) open until the returned
   * release is called, e.g. for the lifetime of a request. Releasing twice is harmless.
   */
  hold(activity: Activity | undefined = this.current()): () => void {
    const tracked = activity as Tracked | undefined;
    if (!tracked || tracked.ended) return () => undefined;
    tracked.pending++;
    clearTimeout(tracked.idleTimer);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      tracked.pending--;
      this.#scheduleIdle(tracked);
    };
  }

  /** Ends an activity now. */
  end(activity: Activity, reason: IdleReason): void {
    const tracked = activity as Tracked;
    if (tracked.ended) return;
    tracked.ended = true;
    clearTimeout(tracked.idleTimer);
    clearTimeout(tracked.maxTimer);
    this.#open.delete(tracked);
    if (this.#owner === tracked) this.#owner = undefined;
    const spanContext = trace.getSpanContext(tracked.ctx);
    if (spanContext && !tracked.superseded) this.#last = { spanContext, endedAt: Date.now() };
    try {
      tracked.onEnd(reason);
    } catch {
      // An end hook is ours or user code; it must not break the tracker.
    }
  }

  /** Ends every open activity (the page is going away). */
  endAll(reason: IdleReason): void {
    for (const activity of [...this.#open]) this.end(activity, reason);
  }

  #resolve(): Resolution {
    const candidates = [...this.#scopes];
    for (const activity of this.#open)
      if (!activity.superseded) candidates.push({ ctx: activity.ctx, seq: activity.seq, activity });
    const owner = this.#owner;
    // The owner's trace is certain; within it, a newer scope (a withSpan it started) is nearer.
    const pool = owner ? candidates.filter((c) => traceKey(c.ctx) === traceKey(owner.ctx)) : candidates;
    const newestByTrace = new Map<string, Candidate>();
    for (const candidate of pool) {
      const key = traceKey(candidate.ctx);
      const seen = newestByTrace.get(key);
      if (!seen || candidate.seq > seen.seq) newestByTrace.set(key, candidate);
    }
    const [first, ...others] = newestByTrace.values();
    if (!first) return owner ? { ctx: owner.ctx, activity: owner } : { ctx: undefined, candidates: [] };
    if (others.length === 0) return { ctx: first.ctx, activity: first.activity ?? this.#activityOf(first.ctx) };
    return { ctx: undefined, candidates: [first, ...others] };
  }

  #lateLink(): Link[] {
    const last = this.#last;
    if (!last || this.#lateLinkMs <= 0) return [];
    const idleMs = Date.now() - last.endedAt;
    if (idleMs > this.#lateLinkMs) return [];
    const attributes = {
      [LINK_TYPE_ATTRIBUTE]: LINK_TYPE_LIKELY_PARENT,
      [LINK_REASON_ATTRIBUTE]: 'after_idle',
      'wideline.link.idle_ms': idleMs,
    };
    return [{ context: last.spanContext, attributes }];
  }

  /** The newest open activity in the trace of `ctx`. */
  #activityOf(ctx: Context): Tracked | undefined {
    const key = traceKey(ctx);
    let found: Tracked | undefined;
    for (const activity of this.#open)
      if (traceKey(activity.ctx) === key && (!found || activity.seq > found.seq)) found = activity;
    return found;
  }

  #scheduleIdle(activity: Tracked): void {
    clearTimeout(activity.idleTimer);
    if (activity.ended || activity.pending > 0) return;
    activity.idleTimer = setTimeout(() => this.end(activity, 'idle'), this.#idleMs);
  }
}
