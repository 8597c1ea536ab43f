/**
 * GET /v1/credits/usage as Settings › AI Credits and a merchant's reporting call it: charged and refunded
 * credits and generations by feature, day or product, over a range, agreeing with the ledger.
 */
import { describe, expect, it } from 'vitest';
import { charge, refund } from '../../functions/core/credits.ts';
import { newId } from '../../functions/core/ids.ts';
import type { FeatureId } from '../../functions/config.ts';
import { deps } from '../../lib/local/deps.ts';
import { call, freshAccount, useStack, type Api } from '../support/stack.ts';

const ctx = useStack();

async function setClock(offsetSeconds: number): Promise<void> {
  const r = await call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });
  expect(r.status).toBe(200);
}

/** One generation's money, as the generation path writes it: a charge, and a refund when it failed. */
async function generation(accountId: string, feature: FeatureId, cost: number, productId?: string, failed = false): Promise<void> {
  const d = deps();
  const account = (await d.store.getAccount(accountId))!;
  const meta = { feature, generationId: newId('gen'), productId, hold: failed };
  const { split } = await charge(d, account, cost, meta);
  if (failed) await refund(d, accountId, split, { ...meta, reason: 'model failed' });
}

type Ledger = Array<{ type: string; amount: number; at: string }>;
async function wholeLedger(api: Api): Promise<Ledger> {
  const items: Ledger = [];
  let cursor: string | null = null;
  do {
    const page: { body: { items: Ledger; nextCursor: string | null } } = await api.get(`/v1/credits/ledger?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

async function paidMerchant(): Promise<{ id: string; api: Api }> {
  const { id, api } = await ctx.paid('pro', 'usage');
  await generation(id, 'product_description', 1, 'prod_a');
  await generation(id, 'product_description', 1, 'prod_a');
  await generation(id, 'product_description', 1, 'prod_b', true);
  await generation(id, 'seo_meta', 1, 'prod_a');
  await generation(id, 'blog_post', 3);
  await generation(id, 'blog_post', 3, undefined, true);
  return { id, api };
}

describe('GET /v1/credits/usage', () => {
  it('given charged and refunded generations, when grouped by feature (the default), then each feature counts its generations not refunded, credits charged and refunded, largest first', async () => {
    const { api } = await paidMerchant();
    const r = await api.get('/v1/credits/usage');
    expect(r.status).toBe(200);
    const credits = (await api.get('/v1/credits')).body;
    expect(r.body).toMatchObject({ from: credits.period.start, to: credits.period.end, groupBy: 'feature' });
    expect(r.body.items).toEqual([
      { key: 'blog_post', generations: 1, creditsCharged: 6, creditsRefunded: 3 },
      { key: 'product_description', generations: 2, creditsCharged: 3, creditsRefunded: 1 },
      { key: 'seo_meta', generations: 1, creditsCharged: 1, creditsRefunded: 0 },
    ]);
    expect(r.body.totals).toEqual({ generations: 4, creditsCharged: 10, creditsRefunded: 4 });
  });

  it('given the same generations, when grouped by product or day, then the totals are the same and the keys are products (null for none) or the UTC day', async () => {
    const { api } = await paidMerchant();
    const byProduct = (await api.get('/v1/credits/usage?groupBy=product')).body;
    expect(byProduct.items).toEqual([
      { key: null, generations: 1, creditsCharged: 6, creditsRefunded: 3 },
      { key: 'prod_a', generations: 3, creditsCharged: 3, creditsRefunded: 0 },
      { key: 'prod_b', generations: 0, creditsCharged: 1, creditsRefunded: 1 },
    ]);
    const byDay = (await api.get('/v1/credits/usage?groupBy=day')).body;
    const today = new Date().toISOString().slice(0, 10);
    expect(byDay.items).toEqual([{ key: today, generations: 4, creditsCharged: 10, creditsRefunded: 4 }]);
    expect(byProduct.totals).toEqual(byDay.totals);
  });

  it('given usage on two days, when a range covers one, then only that day counts, and totals equal the ledger over the same range', async () => {
    const { id, api } = await ctx.paid('plus', 'usage');
    await generation(id, 'product_description', 1, 'prod_a');
    const dayOne = new Date().toISOString().slice(0, 10);
    await setClock(2 * 86_400);
    try {
      const later = await ctx.api(id);
      await generation(id, 'seo_meta', 1, 'prod_a');
      await generation(id, 'seo_meta', 1, 'prod_a', true);
      const dayThree = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

      const one = (await later.get(`/v1/credits/usage?from=${dayOne}&to=${dayOne}&groupBy=day`)).body;
      expect(one.from).toBe(`${dayOne}T00:00:00.000Z`);
      expect(one.to).toBe(new Date(Date.parse(`${dayOne}T00:00:00Z`) + 86_400_000).toISOString());
      expect(one.items).toEqual([{ key: dayOne, generations: 1, creditsCharged: 1, creditsRefunded: 0 }]);

      const both = (await later.get(`/v1/credits/usage?from=${dayOne}&to=${dayThree}&groupBy=day`)).body;
      expect(both.items.map((i: { key: string }) => i.key)).toEqual([dayOne, dayThree]);
      const ledger = (await wholeLedger(later)).filter((e) => e.at >= both.from && e.at < both.to);
      expect(both.totals.creditsCharged).toBe(-ledger.filter((e) => e.type === 'charge').reduce((n, e) => n + e.amount, 0));
      expect(both.totals.creditsRefunded).toBe(ledger.filter((e) => e.type === 'refund').reduce((n, e) => n + e.amount, 0));
    } finally {
      await setClock(0);
    }
  });

  it('given a date-time with an offset, then it is the same instant in UTC', async () => {
    const { api } = await ctx.paid('plus', 'usage');
    const r = await api.get(`/v1/credits/usage?from=${encodeURIComponent('2026-11-30T20:00:00+08:00')}&to=2026-12-31`);
    expect(r.status).toBe(200);
    expect(r.body.from).toBe('2026-11-30T12:00:00.000Z');
    expect(r.body.to).toBe('2027-01-01T00:00:00.000Z');
  });

  it('given bad ranges or groupings, then 400 VALIDATION_FAILED naming the parameter, and without a token 401', async () => {
    const api = await ctx.api(freshAccount('usage'));
    const cases: Array<[string, string]> = [
      ['?from=2026-12-10&to=2026-12-01', 'to'],
      ['?from=2025-01-01&to=2026-12-01', 'from'],
      ['?from=yesterday', 'from'],
      ['?to=2026-13-01', 'to'],
      ['?groupBy=plan', 'groupBy'],
      ['?from=2026-12-01T00:00:00', 'from'],
    ];
    for (const [q, param] of cases) {
      const r = await api.get(`/v1/credits/usage${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code, q).toBe('VALIDATION_FAILED');
      expect(r.body.error.issues.map((i: { path: string }) => i.path), q).toContain(`query.${param}`);
    }
    expect((await (await ctx.api()).get('/v1/credits/usage')).status).toBe(401);
  });
});
