/**
 * Content history as a merchant's editor uses it: every selected variant, manual edit and restore of a
 * product's description or SEO is a version, listed newest first, restorable for free; at most 50 kept.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../functions/config.ts';
import { freshAccount, useStack, type Api } from '../support/stack.ts';

const ctx = useStack();
const input = { name: 'Linen Apron', features: ['stonewashed linen', 'two pockets'] };

type Version = { versionId: string; field: string; value: unknown; source: string; generationId?: string; createdAt: string };
const history = async (api: Api, productId: string, field: string, q = ''): Promise<Version[]> => {
  const r = await api.get(`/v1/products/${productId}/content/history?field=${field}${q}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items;
};

async function generateAndSelect(api: Api, productId: string, feature: 'product_description' | 'seo_meta', index: number) {
  const g = await api.post('/v1/generations', { feature, productId, input });
  expect(g.status).toBe(201);
  const s = await api.post(`/v1/generations/${g.body.id}/select`, { index });
  expect(s.status, JSON.stringify(s.body)).toBe(200);
  return g.body as { id: string; variants: Array<{ text?: string; title?: string; description?: string }> };
}

describe('content history and restore', () => {
  it('given two selected descriptions and a manual edit, then the history lists all three newest first, and restoring the first makes it current again as a restore version, for free', async () => {
    const { api } = await ctx.paid('plus', 'hist');
    const first = await generateAndSelect(api, 'prod_h', 'product_description', 0);
    const second = await generateAndSelect(api, 'prod_h', 'product_description', 1);
    const edit = await api.put('/v1/products/prod_h/content', { description: 'Written by hand.' });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect(edit.body.versions).toEqual([expect.objectContaining({ field: 'description', value: 'Written by hand.', source: 'manual' })]);
    const before = (await api.get('/v1/credits')).body.credits.available;

    const items = await history(api, 'prod_h', 'description');
    expect(items.map((v) => [v.source, v.value, v.generationId ?? null])).toEqual([
      ['manual', 'Written by hand.', null],
      ['generation', second.variants[1]!.text, second.id],
      ['generation', first.variants[0]!.text, first.id],
    ]);
    expect((await api.get('/v1/products/prod_h/content')).body.description).toBe('Written by hand.');

    const restored = await api.post('/v1/products/prod_h/content/restore', { versionId: items[2]!.versionId });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.versions[0]).toMatchObject({ field: 'description', value: first.variants[0]!.text, source: 'restore', generationId: first.id });
    expect((await api.get('/v1/products/prod_h/content')).body.description).toBe(first.variants[0]!.text);
    expect((await history(api, 'prod_h', 'description'))[0]).toMatchObject({ source: 'restore', versionId: restored.body.versions[0].versionId });
    expect((await api.get('/v1/credits')).body.credits.available).toBe(before);
  });

  it('given a selected SEO variant and an SEO edit, then the seo history has both and the description history is untouched', async () => {
    const { api } = await ctx.paid('plus', 'hist');
    const g = await generateAndSelect(api, 'prod_s', 'seo_meta', 0);
    expect((await api.put('/v1/products/prod_s/content', { seo: { title: 'Linen Apron', description: 'Stonewashed, two pockets.' } })).status).toBe(200);
    const seo = await history(api, 'prod_s', 'seo');
    expect(seo.map((v) => v.source)).toEqual(['manual', 'generation']);
    expect(seo[1]!.value).toEqual({ title: g.variants[0]!.title, description: g.variants[0]!.description });
    expect(await history(api, 'prod_s', 'description')).toEqual([]);
  });

  it(`given ${LIMITS.contentVersionsKept + 2} edits, then ${LIMITS.contentVersionsKept} versions are kept, the oldest gone, and pages follow the cursor`, async () => {
    const api = await ctx.api(freshAccount('hist'));
    for (let i = 1; i <= LIMITS.contentVersionsKept + 2; i++) expect((await api.put('/v1/products/prod_cap/content', { description: `text ${i}` })).status).toBe(200);
    const seen: Version[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { items: Version[]; nextCursor: string | null } } = await api.get(`/v1/products/prod_cap/content/history?field=description&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(LIMITS.contentVersionsKept);
    expect(seen[0]!.value).toBe(`text ${LIMITS.contentVersionsKept + 2}`);
    expect(seen.at(-1)!.value).toBe('text 3');
  });

  it('given bad edits, restores and history queries, then 400 VALIDATION_FAILED or 404 NOT_FOUND, and nothing changes', async () => {
    const api = await ctx.api(freshAccount('hist'));
    expect((await api.put('/v1/products/prod_b/content', { description: 'kept' })).status).toBe(200);
    for (const body of [{}, { description: '' }, { description: 'x'.repeat(LIMITS.manualDescriptionMaxChars + 1) }, { seo: { title: 't'.repeat(61), description: 'd' } }, { seo: { title: 't' } }, { description: 'x', extra: 1 }]) {
      const r = await api.put('/v1/products/prod_b/content', body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    const versionId = (await history(api, 'prod_b', 'description'))[0]!.versionId;
    for (const [product, id] of [['prod_b', 'ver_dnothere'], ['prod_other', versionId], ['prod_b', 'nope']]) {
      const r = await api.post(`/v1/products/${product}/content/restore`, { versionId: id });
      expect(r.status, `${product} ${id}`).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    }
    expect((await api.get('/v1/products/prod_b/content/history')).status).toBe(400);
    expect((await api.get('/v1/products/prod_b/content/history?field=name')).status).toBe(400);
    expect((await api.get('/v1/products/prod_b/content/history?field=description&cursor=garbage')).status).toBe(400);
    expect((await api.get('/v1/products/prod_b/content')).body.description).toBe('kept');
    expect(await history(api, 'prod_b', 'description')).toHaveLength(1);
  });

  it("given another account's product history and cursor, then it sees none of it and cannot restore it", async () => {
    const owner = await ctx.api(freshAccount('hist'));
    for (let i = 0; i < 3; i++) await owner.put('/v1/products/prod_x/content', { description: `mine ${i}` });
    const page = (await owner.get('/v1/products/prod_x/content/history?field=description&limit=1')).body;
    const other = await ctx.api(freshAccount('hist'));
    expect(await history(other, 'prod_x', 'description')).toEqual([]);
    expect((await other.get(`/v1/products/prod_x/content/history?field=description&cursor=${encodeURIComponent(page.nextCursor)}`)).status).toBe(400);
    expect((await other.post('/v1/products/prod_x/content/restore', { versionId: page.items[0].versionId })).status).toBe(404);
    // A product id with `#` is its own product, not a key range of another.
    expect((await owner.put(`/v1/products/${encodeURIComponent('prod_x#description')}/content`, { description: 'other' })).status).toBe(200);
    expect((await history(owner, 'prod_x', 'description')).map((v) => v.value)).toEqual(['mine 2', 'mine 1', 'mine 0']);
  });

  it('given generations of two products and features, when listed, then newest first, filtered by product and feature, paged, and only the account’s own', async () => {
    const { api } = await ctx.paid('plus', 'hist');
    const made: Array<{ id: string; productId: string; feature: string }> = [];
    for (const [productId, feature] of [['prod_l1', 'product_description'], ['prod_l2', 'product_description'], ['prod_l1', 'seo_meta'], ['prod_l1', 'product_description']] as const) {
      const g = await api.post('/v1/generations', { feature, productId, input }, { 'idempotency-key': `list-${productId}-${feature}-${made.length}` });
      expect(g.status).toBe(201);
      made.push({ id: g.body.id, productId, feature });
    }
    const all = (await api.get('/v1/generations')).body;
    expect(all.items.map((g: { id: string }) => g.id)).toEqual(made.map((g) => g.id).reverse());
    expect(all.items[0]).toMatchObject({ feature: 'product_description', productId: 'prod_l1', selectedIndex: null, creditsCharged: 1 });
    const one = (await api.get('/v1/generations?productId=prod_l1&feature=product_description')).body.items.map((g: { id: string }) => g.id);
    expect(one).toEqual([made[3]!.id, made[0]!.id]);
    const first = (await api.get('/v1/generations?limit=3')).body;
    const rest = (await api.get(`/v1/generations?limit=3&cursor=${encodeURIComponent(first.nextCursor)}`)).body;
    expect([...first.items, ...rest.items].map((g: { id: string }) => g.id)).toEqual(made.map((g) => g.id).reverse());
    expect(rest.nextCursor).toBeNull();
    const other = await ctx.api(freshAccount('hist'));
    expect((await other.get('/v1/generations')).body.items).toEqual([]);
    for (const q of ['?feature=poem', '?cursor=garbage', '?limit=0']) expect((await api.get(`/v1/generations${q}`)).status, q).toBe(400);
  });
});
