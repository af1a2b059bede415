/**
 * A bounded queue of export request bodies in Web Storage, so spans outlive a lost connection and a
 * reload. An entry is removed from storage *before* it is sent again (claimed), and written back
 * only if that send fails: a batch is never in storage and on the wire at once, so it is sent once,
 * not twice — also when two tabs drain together.
 *
 * @internal
 * @module
 */
import type { BrowserFeature } from './feature';
import { type StorageLike, storageArea } from './session';

/** Bounds of the offline queue. */
export interface OfflineQueueOptions {
  /** Total stored bytes (UTF-16 length of the bodies). Default 256 KiB; the oldest go first past it. */
  maxBytes?: number;
  /** Stored requests. Default 50. */
  maxEntries?: number;
  /** Requests older than this are dropped unsent. Default 24 hours. */
  maxAgeMs?: number;
  /** Storage key. Default `wideline.queue`. */
  key?: string;
}

interface Entry {
  at: number;
  body: string;
}

/** The stored queue. Every method swallows storage errors (counted by the caller via return values). */
export class OfflineQueue {
  readonly #storage: StorageLike;
  readonly #maxBytes: number;
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #key: string;

  constructor(storage: StorageLike, options: OfflineQueueOptions = {}) {
    this.#storage = storage;
    this.#maxBytes = options.maxBytes ?? 256 * 1024;
    this.#maxEntries = options.maxEntries ?? 50;
    this.#maxAgeMs = options.maxAgeMs ?? 24 * 60 * 60_000;
    this.#key = options.key ?? 'wideline.queue';
  }

  /** Stores a body; returns how many stored bodies were evicted (or 1 when this one did not fit). */
  push(body: string, now = Date.now()): number {
    if (body.length > this.#maxBytes) return 1;
    const entries = this.#read(now);
    entries.push({ at: now, body });
    let evicted = 0;
    let bytes = entries.reduce((sum, e) => sum + e.body.length, 0);
    while (entries.length > this.#maxEntries || bytes > this.#maxBytes) {
      bytes -= (entries.shift() as Entry).body.length;
      evicted++;
    }
    return this.#write(entries) ? evicted : evicted + 1;
  }

  /** Removes and returns the oldest body, or `undefined` when the queue is empty. */
  claim(now = Date.now()): string | undefined {
    const entries = this.#read(now);
    const first = entries.shift();
    if (first) this.#write(entries);
    return first?.body;
  }

  /** Removes the oldest stored copy of `body` (it was delivered after all); returns whether there was one. */
  remove(body: string, now = Date.now()): boolean {
    const entries = this.#read(now);
    const index = entries.findIndex((entry) => entry.body === body);
    if (index < 0) return false;
    entries.splice(index, 1);
    return this.#write(entries);
  }

  /** Stored requests now. */
  size(now = Date.now()): number {
    return this.#read(now).length;
  }

  #read(now: number): Entry[] {
    try {
      const raw = this.#storage.getItem(this.#key);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      if (!Array.isArray(parsed)) return [];
      return parsed.filter(
        (e): e is Entry =>
          typeof e === 'object' &&
          e !== null &&
          typeof (e as Entry).body === 'string' &&
          typeof (e as Entry).at === 'number' &&
          now - (e as Entry).at <= this.#maxAgeMs,
      );
    } catch {
      return [];
    }
  }

  #write(entries: Entry[]): boolean {
    try {
      if (entries.length === 0) this.#storage.removeItem(this.#key);
      else this.#storage.setItem(this.#key, JSON.stringify(entries));
      return true;
    } catch {
      return false;
    }
  }
}

/** The offline-queue feature: batches that cannot be sent wait in localStorage for the next chance. */
export function offlineQueue(options: OfflineQueueOptions = {}): BrowserFeature {
  return {
    name: 'offlineQueue',
    setup: (parts) => {
      const storage = storageArea('local');
      if (storage) parts.offlineQueue = new OfflineQueue(storage, options);
    },
  };
}
