/**
 * The offline model in Filipino and under a brand voice: natural Filipino copy for every text feature
 * (the merchant's own words quoted as given), SEO limits that hold for the whole catalogue, and a voice
 * kept by every variant (no avoided word, every phrase to mention, the audience named).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OfflineModel } from '#adapters/offline-model.ts';
import type { AppliedVoice } from '#core/brand-voice.ts';
import { containsWord } from '#core/brand-voice.ts';
import { OUTPUT_LIMITS, type BlogVariant, type DescriptionVariant, type DesignVariant, type SeoVariant } from '#core/model.ts';
import { ProductInput, type Tone } from '#core/schemas.ts';
import { voiceBreaks } from '#core/voice-check.ts';
import { englishFunctionWords, filipinoShare, writersWords } from '../support/filipino.ts';

const catalogue: Array<{ productId: string; input: ProductInput }> = (
  JSON.parse(readFileSync(new URL('../fixtures/products.json', import.meta.url), 'utf8')) as Array<Record<string, unknown>>
).map(({ productId, ...raw }) => ({ productId: String(productId), input: ProductInput.parse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null))) }));

const model = new OfflineModel();
const TONES: Tone[] = ['neutral', 'friendly', 'professional', 'playful', 'luxury'];
const merchantWords = (i: ProductInput) => [i.name, i.category, ...(i.features ?? []), ...(i.keywords ?? [])];

const write = async <V>(feature: 'product_description' | 'seo_meta', input: ProductInput, voice?: AppliedVoice, generationId = 'gen_fil_1') =>
  (await model.generate({ feature, input, voice }, { generationId, count: 2 })).variants as V[];

/** Filipino beyond doubt: a share of function words and no English function word in the writer's own words. */
function expectFilipino(text: string, merchant: readonly (string | null | undefined)[], minShare = 0.2): void {
  const words = writersWords(text, merchant);
  expect(words.length, text).toBeGreaterThan(3);
  expect(englishFunctionWords(words), text).toEqual([]);
  expect(filipinoShare(words), text).toBeGreaterThanOrEqual(minShare);
}

describe('offline model in Filipino', () => {
  it('given all 30 catalogue products in Filipino, then both description variants are Filipino prose within 2,000 characters, and they differ', async () => {
    for (const { input } of catalogue) {
      const variants = await write<DescriptionVariant>('product_description', { ...input, language: 'fil' });
      expect(variants).toHaveLength(2);
      for (const v of variants) {
        expect(v.text.length).toBeLessThanOrEqual(OUTPUT_LIMITS.descriptionMaxChars);
        expect(v.text).not.toMatch(/undefined|null|\{\w+\}| {2}/);
        expectFilipino(v.text, merchantWords(input));
      }
      expect(variants[0].text).not.toBe(variants[1].text);
    }
  });

  it('given all 30 products in Filipino and every tone, then SEO titles ≤ 60 and descriptions ≤ 160 hold, and the descriptions are Filipino', async () => {
    for (const { input } of catalogue) {
      for (const tone of TONES) {
        const variants = await write<SeoVariant>('seo_meta', { ...input, tone, language: 'fil' }, undefined, `gen_seo_${tone}`);
        for (const v of variants) {
          expect(v.title.length, v.title).toBeLessThanOrEqual(OUTPUT_LIMITS.seoTitleMaxChars);
          expect(v.description.length, v.description).toBeLessThanOrEqual(OUTPUT_LIMITS.seoDescriptionMaxChars);
          expect(v.title.length).toBeGreaterThan(0);
          expectFilipino(v.description, merchantWords(input), 0.15);
        }
        expect(variants[0].title).not.toBe(variants[1].title);
      }
    }
  });

  it('given the same Filipino input and id, then the copy is identical; given a new id, then it is rewritten; each tone reads differently', async () => {
    const input: ProductInput = { name: 'Banig na Tikog', features: ['hinabi sa Samar'], language: 'fil' };
    const a = await write<DescriptionVariant>('product_description', input, undefined, 'gen_same');
    expect(await write<DescriptionVariant>('product_description', input, undefined, 'gen_same')).toEqual(a);
    const b = await write<DescriptionVariant>('product_description', input, undefined, 'gen_other');
    expect(b[0].text).not.toBe(a[0].text);
    const byTone = await Promise.all(TONES.map(async (tone) => (await write<DescriptionVariant>('product_description', { ...input, tone }, undefined, 'gen_same'))[0].text));
    expect(new Set(byTone).size).toBe(TONES.length);
    // As in English: only playful copy exclaims.
    byTone.forEach((text, i) => (TONES[i] === 'playful' ? expect(text).toMatch(/!/) : ['neutral', 'professional', 'luxury'].includes(TONES[i]) && expect(text).not.toMatch(/!/)));
  });

  it('given a Filipino topic and each length, then both blog variants are Filipino, within 15% of the word target, with a title ≤ 70 and an excerpt ≤ 200', async () => {
    const topic = 'Pag-aalaga ng mga halaman sa bahay';
    for (const length of ['short', 'medium', 'long'] as const) {
      for (const tone of TONES) {
        const { variants } = await model.generate(
          { feature: 'blog_post', input: { topic, keywords: ['halaman'], length, tone, language: 'fil' }, products: [] },
          { generationId: `gen_blog_${length}_${tone}`, count: 2 },
        );
        const target = OUTPUT_LIMITS.blogWords[length];
        for (const v of variants as BlogVariant[]) {
          const words = v.bodyMarkdown.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
          expect(words, `${length}/${tone}`).toBeGreaterThanOrEqual(target * 0.85);
          expect(words, `${length}/${tone}`).toBeLessThanOrEqual(target * 1.15);
          expect(v.title.length).toBeLessThanOrEqual(OUTPUT_LIMITS.blogTitleMaxChars);
          expect(v.excerpt.length).toBeLessThanOrEqual(OUTPUT_LIMITS.blogExcerptMaxChars);
          expect(v.bodyMarkdown).toMatch(/^## /m);
          expectFilipino(`${v.title} ${v.excerpt} ${v.bodyMarkdown}`, [topic, 'halaman'], 0.25);
        }
        expect((variants as BlogVariant[])[0].title).not.toBe((variants as BlogVariant[])[1].title);
      }
    }
  });
});

describe('offline model under a brand voice', () => {
  // Words its English and Filipino phrasebooks use often, so avoiding them takes real work.
  const voice: AppliedVoice = {
    audience: 'busy parents',
    avoidWords: ['perfect', 'everyday', 'simple', 'today', 'love', 'easy', 'ngayon', 'madali', 'araw-araw'],
    alwaysMention: ['free shipping over ₱1,500', 'Made in Cebu'],
  };

  it('given all 30 products in both languages, then no description or SEO variant holds an avoided word, each holds every phrase, and the limits hold', async () => {
    for (const { input } of catalogue) {
      if (voice.avoidWords.some((w) => containsWord(input.name, w))) continue;
      for (const language of ['en', 'fil'] as const) {
        const d = await write<DescriptionVariant>('product_description', { ...input, language }, voice);
        expect(voiceBreaks('product_description', d, voice), JSON.stringify(d)).toBeNull();
        d.forEach((v) => expect(v.text.length).toBeLessThanOrEqual(OUTPUT_LIMITS.descriptionMaxChars));
        const s = await write<SeoVariant>('seo_meta', { ...input, language }, voice);
        expect(voiceBreaks('seo_meta', s, voice), JSON.stringify(s)).toBeNull();
        for (const v of s) {
          expect(v.title.length).toBeLessThanOrEqual(OUTPUT_LIMITS.seoTitleMaxChars);
          expect(v.description.length).toBeLessThanOrEqual(OUTPUT_LIMITS.seoDescriptionMaxChars);
          for (const m of voice.alwaysMention) expect(containsWord(v.description, m), v.description).toBe(true);
        }
      }
    }
  });

  it('given an audience, then the descriptions name it in both languages, and the blog post too', async () => {
    for (const language of ['en', 'fil'] as const) {
      const d = await write<DescriptionVariant>('product_description', { name: 'Merino Wool Beanie', language }, voice);
      d.forEach((v) => expect(v.text).toContain('busy parents'));
      const { variants } = await model.generate({ feature: 'blog_post', input: { topic: 'Winter hats', length: 'short', language }, products: [], voice }, { generationId: 'gen_aud', count: 2 });
      for (const v of variants as BlogVariant[]) {
        expect(v.bodyMarkdown).toContain('busy parents');
        expect(voiceBreaks('blog_post', [v], voice)).toBeNull();
      }
    }
  });

  it('given a voice with phrases and avoided words, then both website designs keep it', async () => {
    const { variants } = await model.generate({ feature: 'website_design', input: { storeName: 'Kape Co.', industry: 'coffee' }, voice }, { generationId: 'gen_design', count: 2 });
    expect(voiceBreaks('website_design', variants as DesignVariant[], voice)).toBeNull();
  });

  it('given a merchant feature or keyword holding an avoided word, then the copy leaves it out rather than break the voice', async () => {
    const input: ProductInput = { name: 'Enamel Camp Mug', features: ['perfect for camping', 'chip-resistant enamel'], keywords: ['everyday mug', 'camp mug'] };
    const d = await write<DescriptionVariant>('product_description', input, voice);
    expect(voiceBreaks('product_description', d, voice)).toBeNull();
    expect(d.map((v) => v.text).join(' ')).toContain('chip-resistant enamel');
  });

  it('given no voice, then the copy is the same as before the voice existed (the seed of attempt 0 is unchanged)', async () => {
    const input = catalogue[0].input;
    const withEmpty = await write<DescriptionVariant>('product_description', input, { audience: null, avoidWords: [], alwaysMention: [] });
    expect(withEmpty).toEqual(await write<DescriptionVariant>('product_description', input));
  });
});
