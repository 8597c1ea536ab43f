import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes/index.ts';
import { FUNCTIONS, routeDefinition, routes } from '../../lib/wiring.ts';

describe('the wiring serves the route definitions and grants what they need', () => {
  it('given a route that honours Idempotency-Key, then its function has idempotency access (table and grant in AWS), and no other function has it', () => {
    // The flag the handler wrapper reads is the definition's, and so is the one the wiring grants from.
    const idempotent = FUNCTIONS.filter((fn) => routeDefinition(fn.id)?.idempotent).map((fn) => fn.id);
    expect(idempotent.length).toBeGreaterThanOrEqual(5);
    expect(FUNCTIONS.filter((fn) => fn.access.includes('idempotency')).map((fn) => fn.id)).toEqual(idempotent);
  });

  it('given every function, then ids are unique and every route is served once', () => {
    expect(new Set(FUNCTIONS.map((f) => f.id)).size).toBe(FUNCTIONS.length);
    const keys = FUNCTIONS.flatMap((f) => (f.routes ?? []).map((r) => `${r.method} ${r.path}`));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('given every route definition, then exactly its function serves it, from the handler file named after it', () => {
    expect(routes().map((r) => r.fn.id).sort()).toEqual(Object.keys(ROUTES).sort());
    for (const r of routes()) {
      const def = routeDefinition(r.fn.id)!;
      expect({ method: r.method, path: r.path, auth: r.auth, scopes: r.scopes }, r.fn.id).toEqual({ method: def.method, path: def.path, auth: def.auth, scopes: def.scopes });
      expect(r.fn.entry).toBe(`functions/handlers/${def.functionId}.ts`);
    }
  });
});
