/**
 * A bounded memory of recent keys: two generations of plain Maps. Writes go to the newer one; when
 * it holds `generationSize` keys it becomes the older one and the previous older one is dropped
 * whole. So between `generationSize` and twice that many of the latest keys are remembered, and
 * every write is one `Map.set`: no per-write delete, no iterator to find the oldest key (an LRU's
 * bookkeeping was a measurable share of the tail sampler's CPU per unit, bench/core).
 *
 * @internal
 * @module
 */
export class RecentMap<K, V> {
  readonly #generationSize: number;
  #newer = new Map<K, V>();
  #older = new Map<K, V>();

  /** @param generationSize keys per generation; at least this many of the latest are remembered. */
  constructor(generationSize: number) {
    this.#generationSize = Math.max(1, generationSize);
  }

  get(key: K): V | undefined {
    const value = this.#newer.get(key);
    return value !== undefined ? value : this.#older.get(key);
  }

  has(key: K): boolean {
    return this.#newer.has(key) || this.#older.has(key);
  }

  /** Remembers `key` (again: a key written anew counts as recent). */
  set(key: K, value: V): void {
    this.#newer.set(key, value);
    if (this.#newer.size >= this.#generationSize) {
      this.#older = this.#newer;
      this.#newer = new Map();
    }
  }
}
