/**
 * The page's catalogue and bulk-job arithmetic (web/src/catalogue.ts, web/src/jobs.ts) and the
 * draft editor's choice after Try again (web/src/draft.ts): pure functions, no browser.
 */
import { describe, expect, it } from 'vitest';
import { variantAfterRetry } from '../../web/src/draft.ts';
import { DEMO_PRODUCTS } from '../../web/src/demo-catalogue.ts';
import { jobCost, jobDone, jobOver } from '../../web/src/jobs.ts';
import { catalogueRows } from '../../web/src/catalogue.ts';
import type { Generation } from '../../web/src/types.ts';

const stored = (productId: string, over: Partial<{ name: string | null; description: boolean; seo: boolean; image: boolean; updatedAt: string | null }> = {}) => ({
  productId,
  name: null,
  description: false,
  seo: false,
  image: false,
  updatedAt: null,
  ...over,
});

describe('catalogue rows', () => {
  it('given the demo catalogue and the stored products, then demo products come first in their order with what is stored, and stored-only products follow without an input', () => {
    const demo = DEMO_PRODUCTS.slice(0, 2);
    const rows = catalogueRows(demo, [stored('p-other', { name: 'Rattan Lamp', seo: true }), stored(demo[1].productId, { description: true, updatedAt: '2026-12-01T00:00:00.000Z' })]);
    expect(rows.map((r) => r.productId)).toEqual([demo[0].productId, demo[1].productId, 'p-other']);
    expect(rows[0].has).toEqual({ description: false, seo: false, image: false });
    expect(rows[1].has).toEqual({ description: true, seo: false, image: false });
    expect(rows[1].updatedAt).toBe('2026-12-01T00:00:00.000Z');
    expect(rows[2]).toMatchObject({ name: 'Rattan Lamp', input: null, has: { seo: true } });
  });

  it('given a demo product, then its input is a product_description input: its name, category, features, keywords and tone, nothing empty', () => {
    const [row] = catalogueRows([{ productId: 'p-x', name: 'Mug', features: [], tone: 'playful' }], []);
    expect(row.input).toEqual({ name: 'Mug', tone: 'playful' });
    const [full] = catalogueRows(DEMO_PRODUCTS.slice(0, 1), []);
    expect(full.input).toEqual({
      name: DEMO_PRODUCTS[0].name,
      category: DEMO_PRODUCTS[0].category,
      features: DEMO_PRODUCTS[0].features,
      keywords: DEMO_PRODUCTS[0].keywords,
      tone: DEMO_PRODUCTS[0].tone,
    });
  });

  it('given a stored product without a name, then it is listed by its id', () => {
    expect(catalogueRows([], [stored('p-nameless')])[0].name).toBe('p-nameless');
  });

  it('the demo catalogue has unique product ids', () => {
    expect(new Set(DEMO_PRODUCTS.map((p) => p.productId)).size).toBe(DEMO_PRODUCTS.length);
  });
});

describe('bulk job arithmetic', () => {
  it('given 12 products of which 3 are skipped at 2 credits each, then the job holds 18; more skipped than picked holds nothing', () => {
    expect(jobCost(2, 12, 3)).toBe(18);
    expect(jobCost(1, 2, 5)).toBe(0);
  });

  it('counts every item that ended, however it ended, never past the total', () => {
    expect(jobDone({ total: 10, succeeded: 4, failed: 1, skipped: 2 })).toBe(7);
    expect(jobDone({ total: 10, succeeded: 4, failed: 1, skipped: 2, canceled: 3 })).toBe(10);
    expect(jobDone({ total: 5, succeeded: 5, failed: 1, skipped: 0 })).toBe(5);
  });

  it('a job is over once completed or canceled', () => {
    expect(['queued', 'running', 'completed', 'canceled'].map((s) => jobOver(s as never))).toEqual([false, false, true, true]);
  });
});

describe('the draft after Try again', () => {
  const gen = (variants: Generation<'product_description'>['variants']) => ({ variants }) as Generation<'product_description'>;

  it('given a new generation, then the same option as before is taken when it is there, else the first open one', () => {
    const two = gen([
      { index: 0, text: 'a' },
      { index: 1, text: 'b' },
    ]);
    expect(variantAfterRetry(two, 1)?.text).toBe('b');
    expect(variantAfterRetry(two, undefined)?.text).toBe('a');
    // The free plan: option 2 is locked, so option 1 comes back.
    const locked = gen([{ index: 0, text: 'a' }, { index: 1, locked: true }]);
    expect(variantAfterRetry(locked, 1)?.text).toBe('a');
    expect(variantAfterRetry(gen([{ index: 0, locked: true }]), 0)).toBeNull();
  });
});
