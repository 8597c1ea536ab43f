/**
 * The brand voice over real HTTP with the offline model: the routes (round trip, default, validation),
 * the voice applied to every text generation, the request's own tone and language winning, refusals
 * before any charge, and how stale a warm generation function's view of the voice may be (30 s).
 */
import { describe, expect, it } from 'vitest';
import { containsWord } from '../../functions/core/brand-voice.ts';
import { englishFunctionWords, filipinoShare, writersWords } from '../support/filipino.ts';
import { freshAccount, useStack } from '../support/stack.ts';

const ctx = useStack({ env: { RATE_LIMIT_MAX_ATTEMPTS: '1000' } });

async function setClock(offsetSeconds: number): Promise<void> {
  const r = await fetch(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });
  expect(r.status).toBe(200);
}

const DEFAULT = { tone: 'neutral', audience: null, avoidWords: [], alwaysMention: [], language: 'en', updatedAt: null };
const voice = {
  tone: 'playful',
  audience: 'busy parents',
  avoidWords: ['perfect', 'everyday', 'today', 'ngayon'],
  alwaysMention: ['Gawa sa Cebu', 'libreng padala'],
  language: 'fil',
};
const product = { name: 'Banig na Tikog', category: 'Home', features: ['hinabi sa Samar', 'natural na kulay'], keywords: ['banig'] };
const variantTexts = (body: any): string[] => body.variants.map((v: any) => v.text ?? `${v.title} ${v.description ?? ''} ${v.excerpt ?? ''} ${v.bodyMarkdown ?? ''}`);

describe('brand voice routes', () => {
  it('given an account that never set a voice, when it reads it, then 200 with the default voice (neutral, en, nothing avoided or added, updatedAt null)', async () => {
    const api = await ctx.api(freshAccount());
    const r = await api.get('/v1/brand-voice');
    expect([r.status, r.body]).toEqual([200, DEFAULT]);
  });

  it('given a free account, when it sets a voice, then 200 with the voice as stored, and GET answers the same; a second PUT replaces it whole', async () => {
    const api = await ctx.api(freshAccount());
    const put = await api.put('/v1/brand-voice', voice);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject(voice);
    expect(Date.parse(put.body.updatedAt)).not.toBeNaN();
    expect((await api.get('/v1/brand-voice')).body).toEqual(put.body);

    const again = await api.put('/v1/brand-voice', { tone: 'luxury', language: 'en' });
    expect(again.body).toMatchObject({ ...DEFAULT, tone: 'luxury', updatedAt: expect.any(String) });
    expect((await api.get('/v1/brand-voice')).body).toEqual(again.body);
    // Nothing about credits changed.
    expect((await api.get('/v1/credits')).body.credits.available).toBe(25);
  });

  const invalid: Array<[string, unknown]> = [
    ['an unknown tone', { ...voice, tone: 'sarcastic' }],
    ['a language other than en and fil', { ...voice, language: 'es' }],
    ['no language', { tone: 'neutral' }],
    ['an audience over 200 characters', { ...voice, audience: 'x'.repeat(201) }],
    ['51 avoided words', { ...voice, avoidWords: Array.from({ length: 51 }, (_, i) => `word${i}`) }],
    ['an avoided "word" with a space', { ...voice, avoidWords: ['two words'] }],
    ['the same avoided word twice (case aside)', { ...voice, avoidWords: ['Cheap', 'cheap'] }],
    ['11 phrases to mention', { ...voice, alwaysMention: Array.from({ length: 11 }, (_, i) => `phrase ${i}`) }],
    ['a phrase over 60 characters', { ...voice, alwaysMention: ['y'.repeat(61)] }],
    ['a phrase to mention that holds an avoided word', { ...voice, alwaysMention: ['the perfect gift'] }],
    ['an unknown key', { ...voice, mood: 'happy' }],
  ];
  for (const [name, body] of invalid) {
    it(`given ${name}, when it sets the voice, then 400 VALIDATION_FAILED and the stored voice is unchanged`, async () => {
      const api = await ctx.api(freshAccount());
      const first = await api.put('/v1/brand-voice', voice);
      const r = await api.put('/v1/brand-voice', body);
      expect([r.status, r.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect((await api.get('/v1/brand-voice')).body).toEqual(first.body);
    });
  }

  it('given no token, then 401 on both routes', async () => {
    const api = await ctx.api();
    expect((await api.get('/v1/brand-voice')).status).toBe(401);
    expect((await api.put('/v1/brand-voice', voice)).status).toBe(401);
  });
});

describe('brand voice applied to generations (offline model)', () => {
  it('given a Filipino playful voice, when a paid account generates descriptions, SEO and a blog post without tone or language, then the copy is Filipino, playful, names the audience and phrases, avoids the words; the stored input is as sent', async () => {
    const { api } = await ctx.paid('pro');
    expect((await api.put('/v1/brand-voice', voice)).status).toBe(200);
    const requests = [
      { feature: 'product_description', productId: 'prod_banig', input: product },
      { feature: 'seo_meta', productId: 'prod_banig', input: product },
      { feature: 'blog_post', input: { topic: 'Paano pumili ng banig', length: 'short' } },
    ];
    for (const req of requests) {
      const r = await api.post('/v1/generations', req);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.variants).toHaveLength(2);
      for (const text of variantTexts(r.body)) {
        for (const w of voice.avoidWords) expect(containsWord(text, w), `${w} in ${text}`).toBe(false);
        for (const m of voice.alwaysMention) expect(containsWord(text, m), `${m} missing in ${text}`).toBe(true);
        const words = writersWords(text, [...Object.values(product).flat(), 'Paano pumili ng banig', ...voice.alwaysMention, voice.audience]);
        expect(englishFunctionWords(words), text).toEqual([]);
        expect(filipinoShare(words), text).toBeGreaterThan(0.15);
      }
      if (req.feature === 'product_description') {
        for (const text of variantTexts(r.body)) expect(text).toContain('busy parents');
        // Playful copy exclaims.
        expect(variantTexts(r.body).join(' ')).toMatch(/!/);
      }
      const stored = await api.get(`/v1/generations/${r.body.id}`);
      expect(stored.body.variants).toEqual(r.body.variants);
    }
    // The generations list keeps the input as the merchant sent it (no tone or language added).
    const list = await api.get('/v1/generations?productId=prod_banig');
    expect(list.status).toBe(200);
  });

  it("given a Filipino voice, when the request sets its own tone and language, then the request wins: English, luxury (no exclamation), and the voice's words still avoided", async () => {
    const { api } = await ctx.paid('pro');
    await api.put('/v1/brand-voice', voice);
    const r = await api.post('/v1/generations', { feature: 'product_description', productId: 'prod_en', input: { ...product, tone: 'luxury', language: 'en' } });
    expect(r.status).toBe(201);
    for (const text of variantTexts(r.body)) {
      expect(englishFunctionWords(writersWords(text, Object.values(product).flat())).length).toBeGreaterThan(3);
      expect(text).not.toMatch(/!/);
      for (const w of voice.avoidWords) expect(containsWord(text, w)).toBe(false);
      for (const m of voice.alwaysMention) expect(containsWord(text, m)).toBe(true);
    }
  });

  it('given a voice that avoids a word of the product name, when it generates, then 400 naming input.name before anything is counted or charged', async () => {
    const { api } = await ctx.paid('plus');
    await api.put('/v1/brand-voice', { tone: 'neutral', avoidWords: ['tikog'], language: 'en' });
    const before = (await api.get('/v1/credits')).body;
    const r = await api.post('/v1/generations', { feature: 'product_description', productId: 'prod_x', input: product });
    expect([r.status, r.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(r.body.error.issues[0].path).toBe('input.name');
    const after = (await api.get('/v1/credits')).body;
    expect([after.credits.available, after.rateLimit.remaining]).toEqual([before.credits.available, before.rateLimit.remaining]);
  });

  it('given a warm generation function that read a voice, when the voice changes, then generations keep the old one for at most 30 s of the service clock, and use the new one after', async () => {
    const { api } = await ctx.paid('pro');
    const input = { name: 'Enamel Camp Mug', features: ['chip-resistant enamel'] };
    await api.put('/v1/brand-voice', { tone: 'neutral', language: 'en', alwaysMention: ['Shipped from Davao'] });
    const first = await api.post('/v1/generations', { feature: 'product_description', productId: 'prod_mug', input });
    expect(variantTexts(first.body).every((t) => t.includes('Shipped from Davao'))).toBe(true);

    await api.put('/v1/brand-voice', { tone: 'neutral', language: 'fil' });
    // Within the 30 s the warm environment answers from its cache: the old voice (the documented staleness).
    const stale = await api.post('/v1/generations', { feature: 'product_description', productId: 'prod_mug', input });
    expect(variantTexts(stale.body).every((t) => t.includes('Shipped from Davao'))).toBe(true);
    try {
      await setClock(31);
      const later = await api.post('/v1/generations', { feature: 'product_description', productId: 'prod_mug', input });
      expect(later.status).toBe(201);
      for (const text of variantTexts(later.body)) {
        expect(text).not.toContain('Shipped from Davao');
        expect(filipinoShare(writersWords(text, [input.name, ...input.features]))).toBeGreaterThan(0.15);
      }
    } finally {
      await setClock(0);
    }
  });
});
