import { describe, expect, it } from 'vitest';
import { freshAccount, useStack } from '../support/stack.ts';

// Enough attempts to spend a free allowance without meeting the rate limit.
const ctx = useStack({ env: { RATE_LIMIT_MAX_ATTEMPTS: '100' } });
const body = { feature: 'product_description', productId: 'prod_lb', input: { name: 'Bamboo Cutting Board' } };

describe('low_balance notification', () => {
  it('given a free account, when its available credits first fall below 50% and then 20% of the allowance, then exactly one low_balance notification per threshold is written for the period', async () => {
    const api = await ctx.api(freshAccount());
    const lowBalance = async (threshold: number) =>
      (await api.get('/v1/notifications')).body.items.filter((n: { type: string; threshold?: number }) => n.type === 'low_balance' && n.threshold === threshold);
    for (let i = 0; i < 12; i++) expect((await api.post('/v1/generations', body)).status).toBe(201);
    // 13 left is above 50% of 25 (12.5): nothing yet.
    expect(await lowBalance(0.5)).toHaveLength(0);
    expect((await api.post('/v1/generations', body)).body.credits.available).toBe(12);
    expect((await lowBalance(0.5))[0].message).toMatch(/12 AI credits left/);
    for (let i = 0; i < 7; i++) expect((await api.post('/v1/generations', body)).status).toBe(201);
    // 5 left is exactly 20% of 25: not below it yet.
    expect(await lowBalance(0.2)).toHaveLength(0);
    expect((await api.post('/v1/generations', body)).body.credits.available).toBe(4);
    const [note] = await lowBalance(0.2);
    expect(note.message).toMatch(/4 AI credits left/);
    expect(note.message).toMatch(/Upgrade/);
    await Promise.all([api.post('/v1/generations', body), api.post('/v1/generations', body)]);
    expect(await lowBalance(0.2)).toHaveLength(1);
    expect(await lowBalance(0.5)).toHaveLength(1);
  });
});
