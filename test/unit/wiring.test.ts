import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../lib/wiring.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('the wiring grants what each handler uses', () => {
  it('given a handler that honours Idempotency-Key, then its function has idempotency access (table and grant in AWS)', () => {
    const missing = FUNCTIONS.filter((fn) => /idempotent:\s*true/.test(readFileSync(resolve(ROOT, fn.entry), 'utf8')) && !fn.access.includes('idempotency')).map((fn) => fn.id);
    expect(missing).toEqual([]);
    expect(FUNCTIONS.filter((fn) => fn.access.includes('idempotency')).length).toBeGreaterThanOrEqual(5);
  });

  it('given every function, then ids are unique and every route is served once', () => {
    expect(new Set(FUNCTIONS.map((f) => f.id)).size).toBe(FUNCTIONS.length);
    const keys = FUNCTIONS.flatMap((f) => (f.routes ?? []).map((r) => `${r.method} ${r.path}`));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
