/**
 * `GET /v1/catalog` over real HTTP: the plans, features and packs of the configuration module as the
 * API states them, so the page and integrations read them from the service instead of copying them.
 */
import { describe, expect, it } from 'vitest';
import { FEATURES, PLANS, TOP_UP_PACKS } from '../../functions/config.ts';
import { freshAccount, useStack } from '../support/stack.ts';

const ctx = useStack();

describe('GET /v1/catalog', () => {
  it('given a merchant, then the four plans with their allowances and what each may do, every feature with its label, cost and variants, and the packs', async () => {
    const r = await (await ctx.api(freshAccount())).get('/v1/catalog');
    expect(r.status).toBe(200);
    expect(r.body.plans.map((p: { id: string; monthlyAllowance: number }) => [p.id, p.monthlyAllowance])).toEqual([
      ['free', 25],
      ['plus', 100],
      ['pro', 200],
      ['premium', 400],
    ]);
    expect(r.body.plans[0]).toEqual({ id: 'free', label: 'Free', monthlyAllowance: 25, capabilities: { topUp: false, allVariants: false }, features: ['product_description'] });
    expect(r.body.plans[1].capabilities).toEqual({ topUp: true, allVariants: true });
    expect(r.body.plans[1].features).toEqual(Object.keys(FEATURES));
    expect(r.body.features.map((f: { id: string; cost: number }) => [f.id, f.cost])).toEqual([
      ['product_description', 1],
      ['seo_meta', 1],
      ['image_enhancement', 2],
      ['blog_post', 3],
      ['website_design', 2],
    ]);
    expect(r.body.features[0]).toEqual({ id: 'product_description', label: 'Product descriptions', cost: 1, variants: 2, freeVariants: 1, requiresProduct: true, plans: Object.keys(PLANS) });
    expect(r.body.packs).toEqual(TOP_UP_PACKS);
  });

  it('given no token, then 401 UNAUTHORIZED', async () => {
    const r = await (await ctx.api()).get('/v1/catalog');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHORIZED');
  });
});
