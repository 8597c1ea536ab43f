import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../functions/core/credits.ts';
import { deps } from '../../lib/local/deps.ts';
import { freshAccount, useStack } from '../support/stack.ts';

// The rate limit is raised here so that the only limit in play is the balance.
const ctx = useStack({ env: { RATE_LIMIT_MAX_ATTEMPTS: '100000' } });

describe('exact charging under parallel HTTP requests', () => {
  it('given 400 credits, when 450 generations are requested in parallel, then exactly 400 × 201 and 50 × 402, and the ledger sums to 0', async () => {
    const id = freshAccount();
    const api = await ctx.api(id);
    await api.get('/v1/credits');
    await applyPlan(deps(), id, 'premium', new Date().toISOString());
    const body = { feature: 'product_description', productId: 'prod_9', input: { name: 'Walnut Desk Organizer', tone: 'professional' } };
    const results = await Promise.all(Array.from({ length: 450 }, () => api.post('/v1/generations', body)));
    const byStatus = results.reduce<Record<number, number>>((m, r) => ((m[r.status] = (m[r.status] ?? 0) + 1), m), {});
    expect(byStatus).toEqual({ 201: 400, 402: 50 });
    expect(results.filter((r) => r.status === 402).every((r) => r.body.error.action === 'top_up')).toBe(true);
    const credits = (await api.get('/v1/credits')).body.credits;
    expect(credits).toMatchObject({ available: 0, allowanceRemaining: 0, purchased: 0 });
    let sum = 0;
    let count = 0;
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ amount: number; type: string }>; nextCursor: string | null } } = await api.get(`/v1/credits/ledger?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      for (const e of page.body.items) (sum += e.amount, (count += e.type === 'charge' ? 1 : 0));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(sum).toBe(0);
    expect(count).toBe(400);
    expect(new Set(results.filter((r) => r.status === 201).map((r) => r.body.id)).size).toBe(400);
    // 450 requests on two hot items (balance and rate limit) serialise in dynalite: give a loaded CI room.
  }, 240_000);
});
