/**
 * The session: a random id shared by the tabs of one browser (localStorage by default) that starts
 * over after `idleTimeoutMs` without activity or `maxAgeMs` in total. It goes on every span as
 * `session.id`, so a user's traces can be found together. Storage that throws (private modes, quota,
 * disabled cookies) falls back to memory: a session per page load, never an error.
 *
 * @module
 */
import type { BrowserFeature } from './feature';

/** Options for the session id. */
export interface SessionOptions {
  /** A session with no activity for this long starts over. Default 30 minutes. */
  idleTimeoutMs?: number;
  /** A session never lasts longer than this. Default 4 hours. */
  maxAgeMs?: number;
  /** Where the session lives: `local` (shared by tabs), `session` (one tab) or `memory`. Default `local`. */
  storage?: 'local' | 'session' | 'memory';
  /** Storage key. Default `wideline.session`. */
  key?: string;
}

interface Stored {
  id: string;
  startedAt: number;
  lastActiveAt: number;
}

/** The slice of the Web Storage API sessions and the offline queue use. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Picks a Web Storage area, or `undefined` when it is missing or throws. */
export function storageArea(kind: 'local' | 'session' | 'memory'): StorageLike | undefined {
  if (kind === 'memory') return undefined;
  try {
    const area = kind === 'local' ? globalThis.localStorage : globalThis.sessionStorage;
    const probe = '__wideline_probe__';
    area.setItem(probe, '1');
    area.removeItem(probe);
    return area;
  } catch {
    return undefined;
  }
}

/** A random id of `bytes` bytes, hex. */
export function randomHex(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buffer);
  return Array.from(buffer, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Writes activity at most this often, so that busy pages do not hammer storage. */
const TOUCH_WRITE_MS = 5000;
/** How many past ids are remembered for spans that started before a rotation. */
const HISTORY = 4;

/**
 * The session id with its idle timeout and maximum age. `initBrowser` keeps one; use this class
 * directly only to share the id with something else (a support widget, a log line).
 *
 * @example
 * const session = new Session({ idleTimeoutMs: 15 * 60_000, storage: 'session' });
 * supportWidget.identify({ wideline_session: session.id() });
 */
export class Session {
  readonly #idleMs: number;
  readonly #maxAgeMs: number;
  readonly #storage: StorageLike | undefined;
  readonly #key: string;
  #current: Stored | undefined;
  #lastWrite = 0;
  readonly #history: Array<{ id: string; from: number }> = [];

  constructor(
    options: SessionOptions = {},
    storage: StorageLike | undefined = storageArea(options.storage ?? 'local'),
  ) {
    this.#idleMs = options.idleTimeoutMs ?? 30 * 60_000;
    this.#maxAgeMs = options.maxAgeMs ?? 4 * 60 * 60_000;
    this.#storage = storage;
    this.#key = options.key ?? 'wideline.session';
  }

  /** The session id now, starting a new session when the old one expired. Counts as activity. */
  id(now = Date.now()): string {
    let session = this.#current ?? this.#read();
    if (!session || now - session.lastActiveAt > this.#idleMs || now - session.startedAt > this.#maxAgeMs) {
      session = { id: randomHex(16), startedAt: now, lastActiveAt: now };
      this.#lastWrite = 0;
    }
    if (this.#history.at(-1)?.id !== session.id) {
      this.#history.push({ id: session.id, from: Math.min(now, session.startedAt) });
      if (this.#history.length > HISTORY) this.#history.shift();
    }
    session.lastActiveAt = now;
    this.#current = session;
    if (now - this.#lastWrite >= TOUCH_WRITE_MS) this.#write(session, now);
    return session.id;
  }

  /** The session id that was current at `timeMs` (a span's start), without counting as activity. */
  idAt(timeMs: number): string {
    return (this.#history.findLast((entry) => entry.from <= timeMs) ?? this.#history[0])?.id ?? this.id();
  }

  #read(): Stored | undefined {
    try {
      const raw = this.#storage?.getItem(this.#key);
      if (!raw) return undefined;
      const { id, startedAt, lastActiveAt } = JSON.parse(raw) as Partial<Stored>;
      if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id)) return undefined;
      if (typeof startedAt !== 'number' || typeof lastActiveAt !== 'number') return undefined;
      return { id, startedAt, lastActiveAt };
    } catch {
      return undefined;
    }
  }

  #write(session: Stored, now: number): void {
    this.#lastWrite = now;
    try {
      this.#storage?.setItem(this.#key, JSON.stringify(session));
    } catch {
      // Quota or a locked store: the session simply lives in memory for this page.
    }
  }
}

/** The session feature: a session id on every span (`session.id`) and on the page view. */
export function sessions(options: SessionOptions = {}): BrowserFeature {
  return {
    name: 'session',
    setup: (parts) => {
      parts.session = new Session(options);
    },
  };
}
