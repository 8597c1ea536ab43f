/**
 * Stands in for `mnemonist/lru-cache` in the bundles (the alias in lib/bundling.ts). Its one user is the
 * DynamoDB client's endpoint-discovery cache (`@aws-sdk/endpoint-cache`), which every DynamoDB client
 * builds and consults only when endpoint discovery is on. mnemonist's typed-array LRU with its iterator
 * helpers (obliterator) is ~7 KB of every DynamoDB bundle; a Map already keeps keys in insertion order,
 * which is all an LRU needs. Unlike the other stubs this one works: the methods EndpointCache calls,
 * evicting and refreshing exactly as mnemonist does (test/unit/map-lru-cache.test.ts compares the two).
 */
export default class LRUCache<K, V> {
  readonly #items = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error('LRUCache: capacity should be a positive number');
  }

  get size(): number {
    return this.#items.size;
  }

  has(key: K): boolean {
    return this.#items.has(key);
  }

  /** The value without making it the most recently used. */
  peek(key: K): V | undefined {
    return this.#items.get(key);
  }

  /** The value, now the most recently used (re-inserted: a Map's last key is its newest). */
  get(key: K): V | undefined {
    if (!this.#items.has(key)) return undefined;
    const value = this.#items.get(key) as V;
    this.#items.delete(key);
    this.#items.set(key, value);
    return value;
  }

  /** Stores the value as the most recently used; when full, drops the least recently used (the Map's first key). */
  set(key: K, value: V): void {
    this.#items.delete(key);
    if (this.#items.size >= this.capacity) this.#items.delete(this.#items.keys().next().value as K);
    this.#items.set(key, value);
  }

  clear(): void {
    this.#items.clear();
  }
}
