/**
 * Activities: what the page is busy with (loading, an interaction, a navigation, a WebSocket message
 * being handled). The newest activity is the ambient parent (see {@link AmbientContextManager}); each
 * one ends after `idleMs` with no open requests, or after `maxMs` at the latest. Requests hold the
 * activity they started under open until they settle.
 *
 * @internal
 * @module
 */
import { type Context, type SpanContext, trace } from '@opentelemetry/api';
import type { AmbientContextManager } from './context-manager';

/** Why an activity ended. */
export type IdleReason = 'idle' | 'timeout' | 'replaced' | 'hidden';

/** One unit the page is busy with. */
export interface Activity {
  readonly ctx: Context;
  pending: number;
  ended: boolean;
}

/** Options for {@link ActivityTracker}. */
export interface ActivityOptions {
  /** Quiet time (no open requests) after which an activity ends. Default 500 ms. */
  idleMs?: number;
  /** An activity ends after this long even with requests open. Default 30 000 ms. */
  maxMs?: number;
}

interface Tracked extends Activity {
  onEnd: (reason: IdleReason) => void;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  maxTimer: ReturnType<typeof setTimeout> | undefined;
}

/** Starts and ends activities and keeps the ambient context pointed at the newest open one. */
export class ActivityTracker {
  readonly #manager: AmbientContextManager;
  readonly #idleMs: number;
  readonly #maxMs: number;
  readonly #open = new Set<Tracked>();
  #current: Tracked | undefined;
  #last: { spanContext: SpanContext; endedAt: number } | undefined;

  constructor(manager: AmbientContextManager, options: ActivityOptions = {}) {
    this.#manager = manager;
    this.#idleMs = options.idleMs ?? 500;
    this.#maxMs = options.maxMs ?? 30_000;
  }

  /** Makes `ctx` ambient until idle; `onEnd` runs once when the activity ends. */
  start(ctx: Context, onEnd: (reason: IdleReason) => void): Activity {
    const activity: Tracked = { ctx, pending: 0, ended: false, onEnd, idleTimer: undefined, maxTimer: undefined };
    this.#open.add(activity);
    this.#current = activity;
    this.#manager.setAmbient(ctx);
    activity.maxTimer = setTimeout(() => this.end(activity, 'timeout'), this.#maxMs);
    this.#scheduleIdle(activity);
    return activity;
  }

  /** The activity that is ambient now, if any. */
  current(): Activity | undefined {
    return this.#current;
  }

  /**
   * Keeps the current activity (or `activity`) open until the returned release is called, e.g. for
   * the lifetime of a request. Releasing twice is harmless.
   */
  hold(activity: Activity | undefined = this.#current): () => void {
    const tracked = activity as Tracked | undefined;
    if (!tracked || tracked.ended) return () => undefined;
    tracked.pending++;
    this.#clearIdle(tracked);
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
    this.#clearIdle(tracked);
    clearTimeout(tracked.maxTimer);
    this.#open.delete(tracked);
    const spanContext = trace.getSpanContext(tracked.ctx);
    if (spanContext) this.#last = { spanContext, endedAt: Date.now() };
    if (this.#current === tracked) {
      this.#current = [...this.#open].pop();
      this.#manager.setAmbient(this.#current?.ctx);
    }
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

  /** The span context of the activity that ended last, and when; for errors that surface late. */
  lastEnded(): { spanContext: SpanContext; endedAt: number } | undefined {
    return this.#last;
  }

  #scheduleIdle(activity: Tracked): void {
    this.#clearIdle(activity);
    if (activity.ended || activity.pending > 0) return;
    activity.idleTimer = setTimeout(() => this.end(activity, 'idle'), this.#idleMs);
  }

  #clearIdle(activity: Tracked): void {
    if (activity.idleTimer !== undefined) clearTimeout(activity.idleTimer);
    activity.idleTimer = undefined;
  }
}
