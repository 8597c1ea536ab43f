/**
 * Merchant usage over a ledger that holds both forms of a spanning charge: one entry listing its sources
 * (today) and one entry per bucket for the same generation (ledgers written before). Either is one generation.
 */
import { describe, expect, it } from 'vitest';
import { ensureAccount } from '../../functions/core/credits.ts';
import { merchantUsage } from '../../functions/core/usage.ts';
import { manualClock, MemoryCreditStore } from '../support/memory-store.ts';

describe('merchant usage', () => {
  it('given a generation charged as two per-bucket entries (an older ledger) and one as a single entry, then each counts once, with all its credits', async () => {
    const store = new MemoryCreditStore();
    const clock = manualClock('2026-06-01T10:00:00.000Z');
    const deps = { store, notifications: store, clock };
    await ensureAccount(deps, 'a');
    const ledger = store.accounts.get('a')!.ledger;
    const at = '2026-06-01T10:05:00.000Z';
    const base = { type: 'charge' as const, feature: 'blog_post' as const, at, id: 'x' };
    ledger.push(
      { ...base, id: 'l2', seq: 2, amount: -1, bucket: 'allowance', generationId: 'gen_old', balanceAfter: 24 },
      { ...base, id: 'l3', seq: 3, amount: -2, bucket: 'purchased', generationId: 'gen_old', balanceAfter: 22 },
      { ...base, id: 'l4', seq: 4, amount: -3, bucket: 'allowance', generationId: 'gen_new', balanceAfter: 19, sources: [{ bucket: 'allowance', amount: -3 }] },
    );
    const u = await merchantUsage(deps, 'a', { groupBy: 'feature', from: '2026-06-01T00:00:00.000Z', to: '2026-06-02T00:00:00.000Z' });
    expect(u.items).toEqual([{ key: 'blog_post', generations: 2, creditsCharged: 6, creditsRefunded: 0 }]);
    expect(u.totals).toEqual({ generations: 2, creditsCharged: 6, creditsRefunded: 0 });
  });
});
