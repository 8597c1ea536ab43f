/**
 * Seeded randomness for the offline model: the same input and generation id always pick the same
 * phrasing, and a new generation id (a regeneration) picks anew.
 */
import { createHash } from 'node:crypto';

/** JSON with sorted keys and no `undefined`, so two equal inputs hash alike whatever their key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

export function seedOf(...parts: unknown[]): number {
  return createHash('sha256').update(stableStringify(parts)).digest().readUInt32LE(0);
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
  /** `n` distinct items in random order (all of them if fewer). */
  sample<T>(items: readonly T[], n: number): T[];
  chance(p: number): boolean;
}

/** mulberry32: tiny and well distributed, plenty for choosing words. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const shuffle = <T>(items: readonly T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return {
    next,
    int,
    pick: (items) => items[int(items.length)],
    shuffle,
    sample: (items, n) => shuffle(items).slice(0, n),
    chance: (p) => next() < p,
  };
}
