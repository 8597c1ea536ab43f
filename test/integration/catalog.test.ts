/**
 * `GET /v1/catalog` over real HTTP: the plans, features, packs and limits of the configuration module
 * as the API states them, so the page and integrations read them from the service instead of copying
 * them; and the limits it states are the ones the API enforces.
 */
import { describe, expect, it } from 'vitest';
import { FEATURES, PLANS, TOP_UP_PACKS } from '../../functions/config.ts';
import { freshAccount, useStack } from '../support/stack.ts';

const ctx = useStack();

describe('GET /v1/catalog', () => {
  it('given a merchant, then the four plans with their allowances and what each may do, every feature with its labels, cost and variants, and the packs', async () => {
    const r = await (await ctx.api(freshAccount())).get('/v1/catalog');
    expect(r.status).toBe(200);
    expect(r.body.plans.map((p: { id: string; monthlyAllowance: number }) => [p.id, p.monthlyAllowance])).toEqual([
      ['free', 25],
      ['plus', 100],
      ['pro', 200],
      ['premium', 400],
    ]);
    expect(r.body.plans[0]).toEqual({ id: 'free', label: 'Free', monthlyAllowance: 25, monthlyPrice: { amount: '0.00', currency: 'USD' }, capabilities: { topUp: false, allVariants: false }, features: ['product_description'] });
    expect(r.body.plans[1].capabilities).toEqual({ topUp: true, allVariants: true });
    expect(r.body.plans[1].features).toEqual(Object.keys(FEATURES));
    expect(r.body.features.map((f: { id: string; cost: number }) => [f.id, f.cost])).toEqual([
      ['product_description', 1],
      ['seo_meta', 1],
      ['image_enhancement', 2],
      ['blog_post', 3],
      ['website_design', 2],
    ]);
    expect(r.body.features[0]).toEqual({
      id: 'product_description',
      label: 'Product descriptions',
      shortLabel: 'Product description',
      cost: 1,
      variants: 2,
      freeVariants: 1,
      requiresProduct: true,
      plans: Object.keys(PLANS),
    });
    expect(r.body.features.map((f: { label: string; shortLabel: string }) => [f.label, f.shortLabel])).toEqual([
      ['Product descriptions', 'Product description'],
      ['SEO meta tags', 'SEO meta tags'],
      ['Enhanced product photos', 'Photo enhancement'],
      ['Blog posts', 'Blog post'],
      ['Website designs', 'Website design'],
    ]);
    expect(r.body.packs).toEqual(TOP_UP_PACKS);
  });

  it('given a merchant, then the limits its page must respect: SEO 60/160, JPEG/PNG/WebP up to 10 MB, ledger pages of 50 by default and 100 at most', async () => {
    const r = await (await ctx.api(freshAccount())).get('/v1/catalog');
    expect(r.body.limits).toEqual({
      seo: { titleMaxChars: 60, descriptionMaxChars: 160 },
      upload: { contentTypes: ['image/jpeg', 'image/png', 'image/webp'], maxBytes: 10 * 1024 * 1024 },
      ledgerPage: { default: 50, max: 100 },
      productInput: { nameMaxChars: 200, categoryMaxChars: 100, listMaxItems: 20, listItemMaxChars: 100, notesMaxChars: 1000 },
    });
  });

  it('given the product input limits it states, then a description request at every limit is generated and one past any of them is 400 VALIDATION_FAILED naming the field', async () => {
    const api = await ctx.api(freshAccount());
    const { productInput: p } = (await api.get('/v1/catalog')).body.limits;
    const list = (n: number, chars: number) => Array.from({ length: n }, (_, i) => `${i}`.padEnd(chars, 'x'));
    const input = { name: 'n'.repeat(p.nameMaxChars), category: 'c'.repeat(p.categoryMaxChars), features: list(p.listMaxItems, p.listItemMaxChars), keywords: list(p.listMaxItems, p.listItemMaxChars), notes: 'o'.repeat(p.notesMaxChars) };
    const ok = await api.post('/v1/generations', { feature: 'product_description', productId: 'prod_limits', input });
    expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).toBe(201);
    const over: Array<[string, Record<string, unknown>]> = [
      ['name', { name: 'n'.repeat(p.nameMaxChars + 1) }],
      ['category', { category: 'c'.repeat(p.categoryMaxChars + 1) }],
      ['features', { features: list(p.listMaxItems + 1, 5) }],
      ['keywords', { keywords: list(1, p.listItemMaxChars + 1) }],
      ['notes', { notes: 'o'.repeat(p.notesMaxChars + 1) }],
    ];
    for (const [field, change] of over) {
      const r = await api.post('/v1/generations', { feature: 'product_description', productId: 'prod_limits', input: { ...input, ...change } });
      expect(r.status, field).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.issues.map((i: { path: string }) => i.path).join(' '), field).toContain(field);
    }
  });

  it('given the ledger page limits it states, then the ledger accepts the largest and refuses one more with 400 VALIDATION_FAILED', async () => {
    const api = await ctx.api(freshAccount());
    const { ledgerPage } = (await api.get('/v1/catalog')).body.limits;
    expect((await api.get(`/v1/credits/ledger?limit=${ledgerPage.max}`)).status).toBe(200);
    const over = await api.get(`/v1/credits/ledger?limit=${ledgerPage.max + 1}`);
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('given the upload limits it states, when a paid merchant asks for an upload of each type at the largest size, then 201; one byte more or another type is 400 VALIDATION_FAILED', async () => {
    const { api } = await ctx.paid('plus', 'catalog');
    const { upload } = (await api.get('/v1/catalog')).body.limits;
    for (const contentType of upload.contentTypes) {
      const r = await api.post('/v1/uploads', { contentType, bytes: upload.maxBytes });
      expect(r.status, `${contentType}: ${JSON.stringify(r.body)}`).toBe(201);
    }
    const big = await api.post('/v1/uploads', { contentType: upload.contentTypes[0], bytes: upload.maxBytes + 1 });
    expect(big.status).toBe(400);
    expect(big.body.error.code).toBe('VALIDATION_FAILED');
    const gif = await api.post('/v1/uploads', { contentType: 'image/gif', bytes: 1000 });
    expect(gif.status).toBe(400);
    expect(gif.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('given no token, then 401 UNAUTHORIZED', async () => {
    const r = await (await ctx.api()).get('/v1/catalog');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHORIZED');
  });
});
