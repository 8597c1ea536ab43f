import { describe, expect, it } from 'vitest';
import { freshAccount, useStack } from '../support/stack.ts';

// Enough attempts to spend a free allowance without meeting the rate limit.
const ctx = useStack({ env: { RATE_LIMIT_MAX_ATTEMPTS: '100' } });
const body = { feature: 'product_description', productId: 'prod_lb', input: { name: 'Bamboo Cutting Board' } };

describe('low_balance notification', () => {
  it('given a free account, when its available credits first fall below 20% of the allowance, then exactly one low_balance notification is written for the period', async () => {
    const api = await ctx.api(freshAccount());
    const lowBalance = async () => (await api.get('/v1/notifications')).body.items.filter((n: { type: string }) => n.type === 'low_balance');
    for (let i = 0; i < 20; i++) expect((await api.post('/v1/generations', body)).status).toBe(201);
    // 5 left is exactly 20% of 25: not below it yet.
    expect(await lowBalance()).toHaveLength(0);
    expect((await api.post('/v1/generations', body)).body.credits.available).toBe(4);
    const [note] = await lowBalance();
    expect(note.message).toMatch(/4 AI credits left/);
    expect(note.message).toMatch(/Upgrade/);
    await Promise.all([api.post('/v1/generations', body), api.post('/v1/generations', body)]);
    expect(await lowBalance()).toHaveLength(1);
  });
});
