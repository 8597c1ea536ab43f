import { describe, expect, it } from 'vitest';
import { deps } from '../../lib/local/deps.ts';
import { call, freshAccount, useStack, type Api } from '../support/stack.ts';
import { charge } from '../../functions/core/credits.ts';

const ctx = useStack();

const product = {
  productId: 'prod_1',
  input: {
    name: 'Merino Wool Beanie',
    category: 'Accessories',
    features: ['100% merino wool', 'ribbed knit', 'one size'],
    keywords: ['warm beanie', 'wool hat'],
    tone: 'friendly',
  },
};
const describeBody = { feature: 'product_description', ...product };
const seoBody = { feature: 'seo_meta', ...product };

const paidAccount = (plan: 'plus' | 'pro' | 'premium' = 'plus') => ctx.paid(plan);

async function available(api: Api): Promise<number> {
  return (await api.get('/v1/credits')).body.credits.available;
}

describe('product descriptions and SEO meta tags over HTTP', () => {
  it('given a generation, then its charge is held only while it runs; given a process that died after charging, then the next request after the hold timeout refunds it once', async () => {
    const id = freshAccount();
    const api = await ctx.api(id);
    expect((await api.post('/v1/generations', describeBody)).status).toBe(201);
    expect((await deps().store.getAccount(id))!.holds).toEqual([]);

    // A generation process that charged, then died before storing, releasing or refunding anything.
    await charge(deps(), (await deps().store.getAccount(id))!, 1, { feature: 'product_description', generationId: 'gen_dead', productId: 'prod_1', hold: true });
    expect(await available(api)).toBe(23);
    const clock = (offsetSeconds: number) => call(`${ctx.stack.url}/local/clock`, { method: 'POST', body: JSON.stringify({ offsetSeconds }) });
    try {
      await clock(121);
      const [a, b] = await Promise.all([available(api), available(api)]);
      expect(Math.max(a, b)).toBe(24);
      expect(await available(api)).toBe(24);
    } finally {
      await clock(0);
    }
    const refunds = (await api.get('/v1/credits/ledger')).body.items.filter((e: { type: string }) => e.type === 'refund');
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ generationId: 'gen_dead', amount: 1, bucket: 'allowance', reason: 'generation did not finish' });
    expect((await deps().store.getAccount(id))!.holds).toEqual([]);
  });

  it('given a free merchant, when it generates, regenerates and selects, then it sees 1 block + a locked teaser, pays 1 per generation and nothing to select', async () => {
    const api = await ctx.api(freshAccount());
    const first = await api.post('/v1/generations', describeBody);
    expect(first.status).toBe(201);
    expect(first.body.variants).toHaveLength(2);
    expect(first.body.variants[0]).toMatchObject({ index: 0 });
    expect(first.body.variants[0].text.length).toBeGreaterThan(40);
    expect(first.body.variants[1]).toEqual({ index: 1, locked: true });
    expect(first.body).toMatchObject({ feature: 'product_description', productId: 'prod_1', selectedIndex: null, regeneratedFrom: null, creditsCharged: 1, credits: { available: 24 } });
    expect(first.headers.get('ratelimit-limit')).toBe('10');
    expect(first.headers.get('ratelimit-remaining')).toBe('9');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(3500);
    expect(first.headers.get('ratelimit-policy')).toBe('"attempts";q=10;w=3600');
    expect(first.headers.get('ratelimit')).toMatch(/^"attempts";r=9;t=\d+$/);

    const again = await api.post(`/v1/generations/${first.body.id}/regenerate`);
    expect(again.status).toBe(201);
    expect(again.body.regeneratedFrom).toBe(first.body.id);
    expect(again.body.credits.available).toBe(23);
    expect(again.body.variants[0].text).not.toBe(first.body.variants[0].text);

    const chosen = await api.post(`/v1/generations/${first.body.id}/select`, { index: 0 });
    expect(chosen.status).toBe(200);
    expect(chosen.body.selectedIndex).toBe(0);
    const content = await api.get('/v1/products/prod_1/content');
    expect(content.body).toMatchObject({ productId: 'prod_1', description: first.body.variants[0].text, seo: null });
    expect(await available(api)).toBe(23);

    const locked = await api.post(`/v1/generations/${first.body.id}/select`, { index: 1 });
    expect(locked.status).toBe(403);
    expect(locked.body.error).toMatchObject({ code: 'PLAN_UPGRADE_REQUIRED', action: 'upgrade' });

    const ledger = await api.get('/v1/credits/ledger');
    const charge = ledger.body.items.find((e: { type: string }) => e.type === 'charge');
    expect(charge).toMatchObject({ amount: -1, bucket: 'allowance', feature: 'product_description', productId: 'prod_1' });
    expect(charge.generationId).toMatch(/^gen_/);
  });

  it('given a free merchant, when it asks for SEO meta tags, then 403 upgrade, nothing charged and no attempt counted', async () => {
    const api = await ctx.api(freshAccount());
    const r = await api.post('/v1/generations', seoBody);
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'PLAN_UPGRADE_REQUIRED', action: 'upgrade' });
    const credits = (await api.get('/v1/credits')).body;
    expect(credits.credits.available).toBe(25);
    expect(credits.rateLimit.remaining).toBe(10);
  });

  it('given a paid merchant, when it generates descriptions and SEO tags, then 2 distinct selectable variants, SEO within 60/160 naming the product', async () => {
    const { api } = await paidAccount();
    const d = await api.post('/v1/generations', describeBody);
    expect(d.status).toBe(201);
    expect(d.body.variants.map((v: { index: number }) => v.index)).toEqual([0, 1]);
    expect(d.body.variants[0].text).not.toBe(d.body.variants[1].text);
    expect(d.body.variants.some((v: { locked?: boolean }) => v.locked)).toBe(false);

    const s = await api.post('/v1/generations', seoBody);
    expect(s.status).toBe(201);
    expect(s.body.variants).toHaveLength(2);
    for (const v of s.body.variants) {
      expect(v.title.length).toBeGreaterThan(0);
      expect(v.title.length).toBeLessThanOrEqual(60);
      expect(v.description.length).toBeGreaterThan(0);
      expect(v.description.length).toBeLessThanOrEqual(160);
      const text = `${v.title} ${v.description}`.toLowerCase();
      expect(text.includes('merino wool beanie') || product.input.keywords.some((k) => text.includes(k))).toBe(true);
    }
    expect(s.body.variants[0].title).not.toBe(s.body.variants[1].title);
    const selected = await api.post(`/v1/generations/${s.body.id}/select`, { index: 1 });
    expect(selected.status).toBe(200);
    const content = await api.get('/v1/products/prod_1/content');
    expect(content.body.seo).toEqual({ title: s.body.variants[1].title, description: s.body.variants[1].description });
    expect(await available(api)).toBe(98);
  });

  it('given no credits left, then 402 with action upgrade (free) or top_up (paid), required and available, and the attempt is not counted', async () => {
    const free = freshAccount();
    const api = await ctx.api(free);
    await api.get('/v1/credits');
    const admin = await ctx.api(freshAccount('admin'), ['credits:admin']);
    // Spend the free allowance through the core so the rate limit stays out of the way.
    const { charge } = await import('../../functions/core/credits.ts');
    let account = (await deps().store.getAccount(free))!;
    for (let i = 0; i < 25; i++) ({ account } = await charge(deps(), account, 1, { feature: 'product_description', generationId: `g${i}` }));
    const r = await api.post('/v1/generations', describeBody);
    expect(r.status).toBe(402);
    expect(r.body.error).toMatchObject({ code: 'INSUFFICIENT_CREDITS', action: 'upgrade', required: 1, available: 0 });
    expect(r.headers.get('ratelimit-remaining')).toBe('10');
    expect((await api.get('/v1/credits')).body.rateLimit.remaining).toBe(10);

    const { id, api: paid } = await paidAccount('plus');
    account = (await deps().store.getAccount(id))!;
    for (let i = 0; i < 100; i++) ({ account } = await charge(deps(), account, 1, { feature: 'product_description', generationId: `g${i}` }));
    const p = await paid.post('/v1/generations', describeBody);
    expect(p.status).toBe(402);
    expect(p.body.error).toMatchObject({ code: 'INSUFFICIENT_CREDITS', action: 'top_up', required: 1, available: 0 });
    // An admin grant to the purchased bucket is spent once the allowance is gone.
    await admin.post(`/v1/admin/accounts/${id}/adjustments`, { amount: 1, reason: 'goodwill' });
    const spent = await paid.post('/v1/generations', describeBody);
    expect(spent.status).toBe(201);
    expect(spent.body.credits.available).toBe(0);
  });

  it('given an Idempotency-Key, when the request is replayed, then the same generation is returned and charged once; another body with it → 409', async () => {
    const api = await ctx.api(freshAccount());
    const key = { 'idempotency-key': `key-${Date.now()}` };
    const a = await api.post('/v1/generations', describeBody, key);
    const b = await api.post('/v1/generations', describeBody, key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(await available(api)).toBe(24);
    const c = await api.post('/v1/generations', { ...describeBody, productId: 'prod_2' }, key);
    expect(c.status).toBe(409);
    expect(c.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await available(api)).toBe(24);
  });

  it('given the same Idempotency-Key sent 8 times concurrently, then at most one generation is charged', async () => {
    const api = await ctx.api(freshAccount());
    const key = { 'idempotency-key': `burst-${Date.now()}` };
    const all = await Promise.all(Array.from({ length: 8 }, () => api.post('/v1/generations', describeBody, key)));
    const ids = new Set(all.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(all.every((r) => r.status === 201 || (r.status === 409 && r.body.error.code === 'IDEMPOTENCY_CONFLICT'))).toBe(true);
    expect(await available(api)).toBe(24);
  });

  it("given another account's generation id, then get, select and regenerate answer 404 and charge nothing", async () => {
    const owner = await ctx.api(freshAccount());
    const g = await owner.post('/v1/generations', describeBody);
    const thief = await ctx.api(freshAccount());
    expect((await thief.get(`/v1/generations/${g.body.id}`)).status).toBe(404);
    expect((await thief.post(`/v1/generations/${g.body.id}/select`, { index: 0 })).status).toBe(404);
    const re = await thief.post(`/v1/generations/${g.body.id}/regenerate`);
    expect(re.status).toBe(404);
    expect(re.body.error.code).toBe('NOT_FOUND');
    expect(await available(thief)).toBe(25);
    expect((await owner.get(`/v1/generations/${g.body.id}`)).body.id).toBe(g.body.id);
  });

  it('given malformed or out-of-bounds input, then 400 VALIDATION_FAILED with issues, and nothing is charged or counted', async () => {
    const api = await ctx.api(freshAccount());
    const long = (n: number) => 'x'.repeat(n);
    const bad: unknown[] = [
      '{"feature":',
      'null',
      [],
      {},
      { ...describeBody, feature: 'poems' },
      { ...describeBody, productId: '' },
      { ...describeBody, productId: long(101) },
      { feature: 'product_description', input: product.input },
      { ...describeBody, input: { ...product.input, name: '' } },
      { ...describeBody, input: { ...product.input, name: long(201) } },
      { ...describeBody, input: { ...product.input, name: 42 } },
      { ...describeBody, input: { ...product.input, category: long(101) } },
      { ...describeBody, input: { ...product.input, features: Array(21).fill('a') } },
      { ...describeBody, input: { ...product.input, features: [long(101)] } },
      { ...describeBody, input: { ...product.input, keywords: [''] } },
      { ...describeBody, input: { ...product.input, keywords: 'warm' } },
      { ...describeBody, input: { ...product.input, tone: 'angry' } },
      { ...describeBody, input: { ...product.input, language: 'fr' } },
      { ...describeBody, input: { ...product.input, notes: long(1001) } },
      { ...describeBody, input: { ...product.input, price: 10 } },
    ];
    for (const body of bad) {
      const r = await api.post('/v1/generations', body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.issues.length).toBeGreaterThan(0);
    }
    const credits = (await api.get('/v1/credits')).body;
    expect(credits.credits.available).toBe(25);
    expect(credits.rateLimit.remaining).toBe(10);
  });
});
