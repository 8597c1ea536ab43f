/**
 * The Map-backed LRU that the bundles use in place of `mnemonist/lru-cache` (lib/bundling.ts) behaves as
 * mnemonist's does for every method the DynamoDB client's endpoint cache calls: the same values come
 * back and the same keys are evicted, over a long random run of operations on a small cache, and
 * through the endpoint cache itself once it is built on the stand-in.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import LRUCache from '../../functions/adapters/map-lru-cache.ts';
import { ALIASES } from '../../lib/bundling.ts';

type Lru = { get(k: string): unknown; peek(k: string): unknown; has(k: string): boolean; set(k: string, v: unknown): void; clear(): void; size: number };
// The package the alias replaces, resolved the way the SDK's endpoint cache resolves it.
const requireFromCache = createRequire(createRequire(import.meta.url).resolve('@aws-sdk/endpoint-cache'));
const Mnemonist = requireFromCache('mnemonist/lru-cache') as new (capacity: number) => Lru;

/** A seeded generator (mulberry32): the same run on every machine. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Map-backed LRU cache (the bundles’ mnemonist/lru-cache)', () => {
  it('given the bundling aliases, then mnemonist/lru-cache resolves to this module', () => {
    expect(ALIASES['mnemonist/lru-cache']).toBe('./functions/adapters/map-lru-cache.ts');
  });

  it('given 5,000 random get/peek/has/set/clear calls on caches of 3 over 6 keys, when run on both, then every answer and the contents after each call match mnemonist', () => {
    const next = random(12);
    const ours = new LRUCache<string, unknown>(3) as Lru;
    const theirs = new Mnemonist(3);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    let evictions = 0;
    for (let i = 0; i < 5000; i++) {
      const key = keys[Math.floor(next() * keys.length)]!;
      const op = next();
      const call = op < 0.3 ? 'get' : op < 0.45 ? 'peek' : op < 0.55 ? 'has' : op < 0.995 ? 'set' : 'clear';
      const evicts = call === 'set' && theirs.size === 3 && !theirs.has(key);
      const args = call === 'set' ? [key, i] : call === 'clear' ? [] : [key];
      const mine = (ours as any)[call](...args);
      const real = (theirs as any)[call](...args);
      expect({ i, call, key, answer: mine }).toEqual({ i, call, key, answer: real });
      expect(keys.filter((k) => ours.has(k))).toEqual(keys.filter((k) => theirs.has(k)));
      expect(keys.map((k) => ours.peek(k))).toEqual(keys.map((k) => theirs.peek(k)));
      expect(ours.size).toBe(theirs.size);
      if (evicts) evictions++;
    }
    // The run must have exercised eviction, or it proves nothing about it.
    expect(evictions).toBeGreaterThan(100);
  });

  it('given a cache of 0, when built, then it refuses like mnemonist', () => {
    expect(() => new Mnemonist(0)).toThrow();
    expect(() => new LRUCache(0)).toThrow();
  });

  it('given the SDK’s endpoint cache built on the stand-in, when endpoints are stored, read and expire, then it answers as on mnemonist', async () => {
    const { EndpointCache } = await import('@aws-sdk/endpoint-cache');
    const onOurs = new EndpointCache(2);
    // Swap the cache the constructor built (mnemonist, outside a bundle) for the stand-in.
    (onOurs as unknown as { cache: unknown }).cache = new LRUCache(2);
    const onTheirs = new EndpointCache(2);
    for (const c of [onOurs, onTheirs]) {
      c.set('k1', [{ Address: 'a.example', CachePeriodInMinutes: 1 }]);
      c.set('k2', [{ Address: 'b.example', CachePeriodInMinutes: 0 }]);
      c.get('k1');
      c.set('k3', [{ Address: 'c.example', CachePeriodInMinutes: 1 }]);
    }
    for (const key of ['k1', 'k2', 'k3']) {
      expect([key, onOurs.getEndpoint(key), onOurs.has(key)]).toEqual([key, onTheirs.getEndpoint(key), onTheirs.has(key)]);
    }
    expect(onOurs.getEndpoint('k1')).toBe('a.example');
    expect(onOurs.has('k2')).toBe(false);
  });
});
