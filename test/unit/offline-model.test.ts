import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OfflineModel } from '#adapters/offline-model.ts';
import { contrastRatio, MIN_TEXT_CONTRAST } from '#core/contrast.ts';
import { ModelFailure } from '#core/errors.ts';
import {
  OUTPUT_LIMITS,
  type BlogVariant,
  type DescriptionVariant,
  type DesignVariant,
  type ProductFact,
  type SeoVariant,
} from '#core/model.ts';
import { BlogInput, DesignInput, ProductInput, type Tone } from '#core/schemas.ts';

// A catalogue of 30 realistic products (one with only a name), kept under test/fixtures.
const catalogue: Array<{ productId: string; input: ProductInput }> = (
  JSON.parse(readFileSync(new URL('../fixtures/products.json', import.meta.url), 'utf8')) as Array<Record<string, unknown>>
).map(({ productId, ...raw }) => {
  const fields = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null));
  return { productId: String(productId), input: ProductInput.parse(fields) };
});

const model = new OfflineModel();

async function describeProduct(input: ProductInput, generationId = 'gen_1', count: 1 | 2 = 2) {
  return (await model.generate({ feature: 'product_description', input }, { generationId, count })).variants as DescriptionVariant[];
}
async function seo(input: ProductInput, generationId = 'gen_1') {
  return (await model.generate({ feature: 'seo_meta', input }, { generationId, count: 2 })).variants as SeoVariant[];
}
async function blog(input: BlogInput, products: ProductFact[] = [], generationId = 'gen_1') {
  return (await model.generate({ feature: 'blog_post', input, products }, { generationId, count: 2 })).variants as BlogVariant[];
}
async function design(input: DesignInput, generationId = 'gen_1') {
  return (await model.generate({ feature: 'website_design', input }, { generationId, count: 2 })).variants as DesignVariant[];
}

const tokens = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
const wordCount = (s: string) => s.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
const firstSentence = (s: string) => s.trim().split(/(?<=[.!?:])\s/)[0];

/** Jaccard similarity of word trigrams: near 1 for a text with a word swapped, near 0 for a rewrite. */
function trigramOverlap(a: string, b: string): number {
  const grams = (s: string) => {
    const t = tokens(s);
    return new Set(t.slice(2).map((_, i) => t.slice(i, i + 3).join(' ')));
  };
  const ga = grams(a);
  const gb = grams(b);
  const shared = [...ga].filter((g) => gb.has(g)).length;
  return shared / (ga.size + gb.size - shared);
}

/** Every number in the output must come from the input: the model may not invent specs, sizes or prices. */
function expectNoInventedNumbers(output: string, input: unknown): void {
  const allowed = new Set(JSON.stringify(input).match(/\d+/g) ?? []);
  for (const n of output.match(/\d+/g) ?? []) expect(allowed, `"${n}" in: ${output}`).toContain(n);
  expect(output).not.toMatch(/[$€£¥₱]/);
}

/** Template slips a reader would notice. */
function expectCleanProse(text: string): void {
  expect(text).not.toMatch(/undefined|null|NaN|\[object/);
  expect(text).not.toMatch(/ {2}| [,.;:!?]|\.\.(?!\.)|,,/);
}

const productText = (v: DescriptionVariant | SeoVariant) => ('text' in v ? v.text : `${v.title} ${v.description}`);
const designText = (v: DesignVariant) => v.sections.flatMap((s) => [s.headline, s.body, ...(s.cta ? [s.cta] : [])]).join(' ');

describe('OfflineModel', () => {
  it('given any feature, when it generates, then it reports the offline model, one call and no token usage', async () => {
    const result = await model.generate({ feature: 'product_description', input: { name: 'Gift Card' } }, { generationId: 'gen_1', count: 2 });
    expect(result).toMatchObject({ modelId: 'offline-v1', usage: null, calls: 1 });
  });

  it('given an aborted signal, when it generates, then it fails as a timeout without writing', async () => {
    const controller = new AbortController();
    controller.abort();
    const call = model.generate({ feature: 'seo_meta', input: { name: 'Gift Card' } }, { generationId: 'gen_1', count: 2, signal: controller.signal });
    await expect(call).rejects.toBeInstanceOf(ModelFailure);
    await expect(call).rejects.toMatchObject({ kind: 'timeout' });
  });

  describe('product_description', () => {
    it('given the same input and generation id, when generated twice (even by another instance), then the text is identical', async () => {
      for (const { input } of catalogue) {
        const again = (await new OfflineModel().generate({ feature: 'product_description', input }, { generationId: 'gen_1', count: 2 })).variants;
        expect(again).toEqual(await describeProduct(input));
      }
    });

    it('given the same input with its keys in another order, when generated, then the text is identical', async () => {
      const a: ProductInput = { name: 'Yoga Mat', category: 'Fitness', features: ['non-slip'], tone: 'friendly' };
      const b: ProductInput = { tone: 'friendly', features: ['non-slip'], category: 'Fitness', name: 'Yoga Mat' };
      expect(await describeProduct(b)).toEqual(await describeProduct(a));
    });

    it('given a regeneration (new generation id), when generated, then both variants read differently for every product', async () => {
      for (const { input } of catalogue) {
        const [a0, a1] = await describeProduct(input, 'gen_first');
        const [b0, b1] = await describeProduct(input, 'gen_second');
        expect(b0.text).not.toBe(a0.text);
        expect(b1.text).not.toBe(a1.text);
      }
    });

    it('given two variants, then they differ in structure: another opening, prose vs. a list, and little shared wording', async () => {
      for (const { input } of catalogue) {
        for (const id of ['gen_1', 'gen_2', 'gen_3']) {
          const [v0, v1] = await describeProduct(input, id);
          expect(firstSentence(v1.text)).not.toBe(firstSentence(v0.text));
          expect(v0.text).not.toMatch(/^- /m);
          if (input.features?.length) expect(v1.text).toMatch(/^- /m);
          expect(trigramOverlap(v0.text, v1.text)).toBeLessThan(0.35);
        }
      }
    });

    it('given all 30 catalogue products, then every variant is merchant-length prose within the character limit', async () => {
      for (const { input } of catalogue) {
        for (const v of await describeProduct(input)) {
          expect(v.text.length).toBeLessThanOrEqual(OUTPUT_LIMITS.descriptionMaxChars);
          expect(wordCount(v.text)).toBeGreaterThanOrEqual(50);
          expect(wordCount(v.text)).toBeLessThanOrEqual(180);
          expect(v.text.toLowerCase()).toContain(input.name.toLowerCase());
          expectCleanProse(v.text);
        }
      }
    });

    it('given all 30 catalogue products, then no number appears that the merchant did not give', async () => {
      for (const { input } of catalogue) {
        for (const v of [...(await describeProduct(input)), ...(await describeProduct(input, 'gen_2'))]) expectNoInventedNumbers(v.text, input);
      }
    });

    it('given a product that is only a name, then both variants are full descriptions built on that name', async () => {
      const [v0, v1] = await describeProduct({ name: 'Gift Card' });
      for (const v of [v0, v1]) {
        expect(v.text).toContain('Gift Card');
        expect(wordCount(v.text)).toBeGreaterThanOrEqual(50);
        expectCleanProse(v.text);
        expectNoInventedNumbers(v.text, { name: 'Gift Card' });
      }
      expect(trigramOverlap(v0.text, v1.text)).toBeLessThan(0.35);
    });

    it('given features at the caps (20 of 100 chars, a 200-char name), then the text still fits 2,000 characters', async () => {
      const input: ProductInput = {
        name: 'Extraordinarily '.repeat(12).trim().slice(0, 200),
        category: 'C'.repeat(100),
        features: Array.from({ length: 20 }, (_, i) => `feature ${String.fromCharCode(97 + i)} `.padEnd(100, 'x')),
        keywords: Array.from({ length: 20 }, (_, i) => `keyword ${String.fromCharCode(97 + i)} `.padEnd(100, 'y')),
      };
      for (const v of await describeProduct(ProductInput.parse(input))) expect(v.text.length).toBeLessThanOrEqual(OUTPUT_LIMITS.descriptionMaxChars);
    });

    it('given count 1 (the free plan), then exactly one variant is written, the same as variant 0 of two', async () => {
      const { input } = catalogue[0];
      const one = await describeProduct(input, 'gen_1', 1);
      expect(one).toHaveLength(1);
      expect(one[0]).toEqual((await describeProduct(input, 'gen_1', 2))[0]);
    });

    it('given one product in each tone, then the wording changes and only playful copy exclaims', async () => {
      const base = { name: 'Natural Rubber Yoga Mat', category: 'Fitness', features: ['non-slip natural rubber', 'carry strap included'], keywords: ['yoga mat'] };
      const tones: Tone[] = ['neutral', 'friendly', 'professional', 'playful', 'luxury'];
      const texts = new Map<Tone, string[]>();
      for (const tone of tones) texts.set(tone, (await describeProduct({ ...base, tone }, 'gen_tone')).map((v) => v.text));
      for (const a of tones) {
        for (const b of tones) if (a < b) expect(trigramOverlap(texts.get(a)![0], texts.get(b)![0]), `${a} vs ${b}`).toBeLessThan(0.5);
      }
      for (const id of ['gen_1', 'gen_2', 'gen_3', 'gen_4']) {
        const playful = await describeProduct({ ...base, tone: 'playful' }, id);
        for (const v of playful) expect(v.text).toContain('!');
        for (const tone of ['neutral', 'professional', 'luxury'] as const) {
          for (const v of await describeProduct({ ...base, tone }, id)) expect(v.text).not.toContain('!');
        }
      }
    });

    it('given a plural product name, then the copy agrees with it ("they are", not "it is")', async () => {
      const input = { name: 'Cebu Dried Mangoes', features: ['made from ripe Carabao mangoes'] };
      for (const id of ['gen_1', 'gen_2', 'gen_3']) {
        const [v0] = await describeProduct(input, id);
        expect(v0.text).toContain("They're made from ripe Carabao mangoes.");
        expect(v0.text).not.toMatch(/\bMangoes is\b/);
      }
    });
  });

  describe('seo_meta', () => {
    const containsNameOrKeyword = (s: string, input: ProductInput) =>
      [input.name, ...(input.keywords ?? [])].some((k) => s.toLowerCase().includes(k.toLowerCase()));

    it('given all 30 catalogue products, then titles ≤ 60 and descriptions ≤ 160 characters, each naming the product or a keyword', async () => {
      for (const { input } of catalogue) {
        for (const id of ['gen_1', 'gen_2']) {
          const variants = await seo(input, id);
          expect(variants).toHaveLength(2);
          for (const v of variants) {
            expect(v.title.length).toBeGreaterThan(0);
            expect(v.title.length).toBeLessThanOrEqual(OUTPUT_LIMITS.seoTitleMaxChars);
            expect(v.description.length).toBeGreaterThan(0);
            expect(v.description.length).toBeLessThanOrEqual(OUTPUT_LIMITS.seoDescriptionMaxChars);
            expect(containsNameOrKeyword(v.title, input), v.title).toBe(true);
            expect(containsNameOrKeyword(v.description, input), v.description).toBe(true);
            expectCleanProse(productText(v));
            expectNoInventedNumbers(productText(v), input);
          }
        }
      }
    });

    it('given two variants, then both their titles and their descriptions differ', async () => {
      for (const { input } of catalogue) {
        const [v0, v1] = await seo(input);
        expect(v1.title).not.toBe(v0.title);
        expect(v1.description).not.toBe(v0.description);
      }
    });

    it('given a name longer than 60 characters, then the title is cut at a word boundary and keeps the start of the name or a keyword', async () => {
      const name = 'Handwoven Abaca Market Tote Bag with Leather Handles and Inner Zip Pocket, Large';
      for (const keywords of [['abaca bag'], []]) {
        const [v0, v1] = await seo({ name, keywords });
        for (const v of [v0, v1]) {
          expect(v.title.length).toBeLessThanOrEqual(OUTPUT_LIMITS.seoTitleMaxChars);
          expect(v.description.length).toBeLessThanOrEqual(OUTPUT_LIMITS.seoDescriptionMaxChars);
        }
        // Variant 0 is the name's own beginning, ending where a word ends.
        expect(name.startsWith(v0.title)).toBe(true);
        expect(name.charAt(v0.title.length)).toMatch(/[\s,]/);
        expect(v0.title.split(' ').length).toBeGreaterThanOrEqual(5);
        const leadWords = name.split(' ').slice(0, 3).join(' ');
        expect(v1.title.includes(leadWords) || keywords.some((k) => v1.title.toLowerCase().includes(k))).toBe(true);
        expect(v1.title).not.toBe(v0.title);
      }
    });

    it('given a product that is only a name, then both variants are filled in and differ', async () => {
      const [v0, v1] = await seo({ name: 'Gift Card' });
      for (const v of [v0, v1]) {
        expect(v.title).toContain('Gift Card');
        expect(v.description).toContain('Gift Card');
      }
      expect(v1.title).not.toBe(v0.title);
    });
  });

  describe('blog_post', () => {
    const products: ProductFact[] = [
      { productId: 'p-cast-iron', name: 'Pre-Seasoned Cast Iron Skillet 26cm', description: 'A pre-seasoned skillet that is oven safe and works on induction. Heat it slowly for the best sear.' },
      { productId: 'p-gift', name: 'Gift Card', description: null },
    ];

    it('given each length, then both variants land within 15% of 300, 600 or 1,000 words', async () => {
      const topics = ['How to care for cast iron', 'Holiday gift ideas', 'Why choose abaca bags?', 'Coffee'];
      for (const length of ['short', 'medium', 'long'] as const) {
        const target = OUTPUT_LIMITS.blogWords[length];
        for (const [i, topic] of topics.entries()) {
          const tone = (['friendly', 'professional', 'playful', 'luxury'] as const)[i];
          for (const v of await blog({ topic, length, tone, keywords: ['cast iron skillet'] }, i % 2 ? products : [], `gen_${i}`)) {
            const words = wordCount(v.bodyMarkdown);
            expect(words, `${length} "${topic}"`).toBeGreaterThanOrEqual(target * 0.85);
            expect(words, `${length} "${topic}"`).toBeLessThanOrEqual(target * 1.15);
          }
        }
      }
    });

    it('given ten products with long descriptions, when a short post is written, then it still stays near 300 words', async () => {
      const many = Array.from({ length: 10 }, (_, i) => ({
        productId: `p${i}`,
        name: `Product ${'abcdefghij'[i]} with a rather long descriptive name for the catalogue`,
        description: 'A long merchant description. '.repeat(60),
      }));
      for (const v of await blog({ topic: 'Gift guide', length: 'short' }, many)) {
        expect(wordCount(v.bodyMarkdown)).toBeGreaterThanOrEqual(300 * 0.85);
        expect(wordCount(v.bodyMarkdown)).toBeLessThanOrEqual(300 * 1.15);
      }
    });

    it('given a topic, then each variant has a title ≤ 70, an excerpt ≤ 200, ## headings, paragraphs and no raw HTML', async () => {
      const input = BlogInput.parse({ topic: 'Caring for <b>handwoven</b> bags <script>alert(1)</script>', length: 'medium', keywords: ['abaca bag'] });
      const tricky: ProductFact[] = [{ productId: 'p1', name: 'Abaca <i>Tote</i>', description: '<p>Hand-woven <strong>abaca</strong>.</p>\n# Not a heading' }];
      for (const v of await blog(input, tricky)) {
        expect(v.title.length).toBeLessThanOrEqual(OUTPUT_LIMITS.blogTitleMaxChars);
        expect(v.excerpt.length).toBeGreaterThan(0);
        expect(v.excerpt.length).toBeLessThanOrEqual(OUTPUT_LIMITS.blogExcerptMaxChars);
        expect(v.bodyMarkdown.match(/^## \S/gm)?.length).toBeGreaterThanOrEqual(4);
        expect(v.bodyMarkdown).not.toMatch(/[<>]/);
        expect(v.bodyMarkdown).not.toMatch(/^# /m);
        expect(v.bodyMarkdown.split(/\n{2,}/).filter((p) => !/^[#-]/.test(p)).length).toBeGreaterThanOrEqual(6);
        expectCleanProse(v.bodyMarkdown);
      }
    });

    it('given a 200-character topic, then the titles are shortened at a word boundary and still differ', async () => {
      const topic = 'Everything about choosing sustainable handmade home textiles '.repeat(4).slice(0, 200);
      const [v0, v1] = await blog({ topic, length: 'short' });
      for (const v of [v0, v1]) expect(v.title.length).toBeLessThanOrEqual(OUTPUT_LIMITS.blogTitleMaxChars);
      expect(v1.title).not.toBe(v0.title);
    });

    it('given two variants, then their titles, openings and section outlines differ', async () => {
      for (const [i, topic] of ['How to care for cast iron', 'Holiday gift ideas', 'Why choose abaca bags?'].entries()) {
        const [v0, v1] = await blog({ topic, length: 'medium' }, products, `gen_${i}`);
        const outline = (v: BlogVariant) => v.bodyMarkdown.match(/^## .*/gm)?.join('|');
        expect(v1.title).not.toBe(v0.title);
        expect(firstSentence(v1.bodyMarkdown)).not.toBe(firstSentence(v0.bodyMarkdown));
        expect(outline(v1)).not.toBe(outline(v0));
        expect(trigramOverlap(v0.bodyMarkdown, v1.bodyMarkdown)).toBeLessThan(0.35);
      }
    });

    it('given a topic, then both excerpts name it, a how-to topic read as what the reader will be doing', async () => {
      for (const id of ['gen_1', 'gen_2', 'gen_3', 'gen_4']) {
        for (const tone of ['neutral', 'friendly', 'professional', 'playful', 'luxury'] as const) {
          for (const v of await blog({ topic: 'Holiday gift ideas', length: 'short', tone }, [], id)) expect(v.excerpt.toLowerCase()).toContain('holiday gift ideas');
          for (const v of await blog({ topic: 'How to care for cast iron', length: 'short', tone }, [], id)) expect(v.excerpt).toContain('caring for cast iron');
        }
      }
    });

    it('given a topic that starts with a count or an everyday word, then mid-sentence it reads in lowercase, while a name keeps its capital', async () => {
      const topics = ['Five gift ideas for coffee lovers', 'Three ways to brew better', 'Ten mistakes to avoid', 'Last-minute gift ideas', 'Perfect pairings for tea'];
      for (const tone of ['neutral', 'friendly', 'professional', 'playful', 'luxury'] as const) {
        for (const topic of topics) {
          const lower = topic.charAt(0).toLowerCase() + topic.slice(1);
          for (const v of await blog({ topic, length: 'short', tone }, [], `gen_${tone}`)) {
            const prose = `${v.excerpt}\n${v.bodyMarkdown.replace(/^#.*$/gm, '')}`;
            // "Let's talk about Five gift ideas…": the capital is only right at the start of a sentence.
            expect(prose, `${tone}: ${topic}`).not.toMatch(new RegExp(`[a-z,:;'’] ${escapeRegExp(topic.split(' ')[0])}\\b`));
            expect(prose.includes(lower) || prose.includes(topic), `${tone}: ${topic}`).toBe(true);
          }
        }
        for (const v of await blog({ topic: 'Aurora mugs explained', length: 'short', tone }, [], `gen_${tone}`)) {
          expect(v.excerpt + v.bodyMarkdown).not.toContain('aurora mugs');
        }
      }
    });

    it('given stored products, then the post names them and quotes their descriptions, inventing no numbers', async () => {
      const input: BlogInput = { topic: 'Cooking with cast iron', length: 'long', keywords: ['cast iron skillet'], tone: 'friendly' };
      for (const v of await blog(input, products)) {
        expect(v.bodyMarkdown).toContain('Pre-Seasoned Cast Iron Skillet 26cm');
        expect(v.bodyMarkdown).toContain('A pre-seasoned skillet that is oven safe and works on induction.');
        expect(v.bodyMarkdown).toContain('Gift Card');
        expect(v.bodyMarkdown.toLowerCase()).toContain('cast iron skillet');
        expectNoInventedNumbers(`${v.title} ${v.excerpt} ${v.bodyMarkdown}`, { input, products });
      }
    });

    it('given the same input and id, then the post is identical; given a new id, then it is rewritten', async () => {
      const input: BlogInput = { topic: 'Holiday gift ideas', length: 'short' };
      const first = await blog(input, [], 'gen_a');
      expect(await blog(input, [], 'gen_a')).toEqual(first);
      const second = await blog(input, [], 'gen_b');
      expect(second[0].bodyMarkdown).not.toBe(first[0].bodyMarkdown);
      expect(second[1].bodyMarkdown).not.toBe(first[1].bodyMarkdown);
    });
  });

  describe('website_design', () => {
    const inputs: DesignInput[] = [
      { storeName: 'Kape Co.', industry: 'Specialty coffee', audience: 'busy professionals' },
      { storeName: 'Luna Jewels', industry: 'handmade jewelry', style: 'elegant' },
      { storeName: 'Toy Box', industry: 'Toys', style: 'playful' },
      { storeName: 'Volt', industry: 'Electronics', style: 'bold' },
      { storeName: 'Plain & Simple', industry: 'Stationery', style: 'minimal' },
      { storeName: 'Studio 54 Prints', industry: 'Art prints', audience: 'first-time collectors' },
    ];
    const HEX = /^#[0-9a-f]{6}$/;
    const TYPES = ['hero', 'featured_products', 'testimonials', 'about', 'newsletter', 'faq'];

    it('given any store and style, over many generations, then text on background is always at least 4.5:1', async () => {
      for (const input of inputs) {
        for (let i = 0; i < 40; i++) {
          for (const v of await design(input, `gen_${i}`)) {
            for (const colour of Object.values(v.palette)) expect(colour).toMatch(HEX);
            expect(contrastRatio(v.palette.text, v.palette.background)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
          }
        }
      }
    });

    it('given a store, then each proposal opens with a hero, has 4 to 6 known sections with copy, and named fonts', async () => {
      for (const input of inputs) {
        for (const v of await design(input)) {
          expect(v.sections[0].type).toBe('hero');
          expect(v.sections.length).toBeGreaterThanOrEqual(4);
          expect(v.sections.length).toBeLessThanOrEqual(6);
          expect(new Set(v.sections.map((s) => s.type)).size).toBe(v.sections.length);
          for (const s of v.sections) {
            expect(TYPES).toContain(s.type);
            expect(s.headline.length).toBeGreaterThan(0);
            expect(s.body.length).toBeGreaterThan(0);
          }
          expect(v.fonts.heading).toMatch(/^[A-Za-z ]+$/);
          expect(v.fonts.body).toMatch(/^[A-Za-z ]+$/);
          expect(designText(v)).toContain(input.storeName);
          expectCleanProse(designText(v));
          expectNoInventedNumbers(designText(v), input);
        }
      }
    });

    it('given two proposals, then their palettes, fonts and section orders are all different', async () => {
      for (const input of inputs) {
        for (const id of ['gen_1', 'gen_2', 'gen_3']) {
          const [v0, v1] = await design(input, id);
          expect(v1.palette.background).not.toBe(v0.palette.background);
          expect(v1.palette.primary).not.toBe(v0.palette.primary);
          expect(v1.fonts).not.toEqual(v0.fonts);
          expect(v1.sections.map((s) => s.type)).not.toEqual(v0.sections.map((s) => s.type));
        }
      }
    });

    it('given the same input and id, then the design is identical; given a new id, then the palette changes', async () => {
      const input = inputs[0];
      expect(await design(input, 'gen_a')).toEqual(await design(input, 'gen_a'));
      const [a] = await design(input, 'gen_a');
      const [b] = await design(input, 'gen_b');
      expect(b.palette).not.toEqual(a.palette);
    });
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
