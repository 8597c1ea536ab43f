/**
 * The brand voice and Filipino through the Bedrock adapter (a local Converse fake) over real HTTP: what
 * the prompt carries, the check in code after the model (an answer with an avoided word or without a
 * phrase is retried once, told why; a second break is a 502 with the refund in the ledger), and the
 * request's own language winning over the voice's.
 */
import { describe, expect, it } from 'vitest';
import { useFakeConverse } from '../support/fake-converse.ts';
import { useStack, type Api } from '../support/stack.ts';

const converse = useFakeConverse();
const ctx = useStack({ env: { AI_PROVIDER: 'bedrock', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', RATE_LIMIT_MAX_ATTEMPTS: '1000' } });

const product = { name: 'Banig na Tikog', features: ['hinabi sa Samar'] };
const describeReq = { feature: 'product_description', productId: 'prod_banig', input: product };
const descriptions = (...texts: string[]) => ({ kind: 'tool_input' as const, input: { variants: texts.map((text) => ({ text })) } });
const systemOf = (i: number) => converse.fake.requests[i].body.system[0].text as string;
const userOf = (i: number) => converse.fake.requests[i].body.messages[0].content[0].text as string;

async function withVoice(voice: Record<string, unknown>): Promise<Api> {
  const { api } = await ctx.paid('pro', 'bedrock');
  expect((await api.put('/v1/brand-voice', voice)).status).toBe(200);
  return api;
}

describe('brand voice through Bedrock', () => {
  it('given a voice, then the prompt asks for its tone, language and audience, and carries its words and phrases in the merchant data, never as instructions', async () => {
    const api = await withVoice({ tone: 'luxury', audience: 'new homeowners', avoidWords: ['cheap'], alwaysMention: ['Handwoven in Samar'], language: 'fil' });
    converse.fake.script(descriptions('Isang banig na Handwoven in Samar, variant one.', 'Ikalawang banig, Handwoven in Samar din.'));
    const r = await api.post('/v1/generations', describeReq);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(converse.fake.requests).toHaveLength(1);
    const system = systemOf(0);
    expect(system).toMatch(/Write in Filipino \(Tagalog\)/);
    expect(system).toMatch(/luxury tone/);
    expect(system).toMatch(/brandVoice\.avoidWords/);
    expect(system).toMatch(/brandVoice\.alwaysMention/);
    expect(system).toMatch(/brandVoice\.audience/);
    // The merchant's words are data: in the block, not in the rules.
    expect(system).not.toContain('cheap');
    expect(system).not.toContain('Handwoven in Samar');
    const data = JSON.parse(/<merchant_data>\n([\s\S]*)\n<\/merchant_data>/.exec(userOf(0))![1]);
    expect(data.brandVoice).toEqual({ audience: 'new homeowners', avoidWords: ['cheap'], alwaysMention: ['Handwoven in Samar'] });
  });

  it('given an answer with an avoided word, then it is retried once, told which words, and the second answer is what the merchant gets', async () => {
    const api = await withVoice({ tone: 'neutral', avoidWords: ['cheap'], language: 'en' });
    converse.fake.script(descriptions('A cheap banig for every home.', 'A woven banig from Samar.'));
    const r = await api.post('/v1/generations', describeReq);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(converse.fake.requests).toHaveLength(2);
    expect(userOf(1)).toMatch(/previous answer was rejected \(variant 1 uses words the brand voice forbids \("cheap"\)/);
    expect(r.body.model.calls).toBe(2);
    expect(r.body.model.usage).toEqual({ inputTokens: 240, outputTokens: 160 });
    for (const v of r.body.variants) expect(v.text.toLowerCase()).not.toMatch(/\bcheap\b/);
    expect((await api.get('/v1/credits')).body.credits.available).toBe(199);
  });

  it('given two answers with an avoided word, then 502 GENERATION_FAILED, the credit refunded and the ledger says so; nothing is stored', async () => {
    const api = await withVoice({ tone: 'neutral', avoidWords: ['Cheap'], language: 'en' });
    converse.fake.script(descriptions('A CHEAP banig.', 'A woven banig.'), descriptions('A woven banig.', 'Still cheap, sorry.'));
    const r = await api.post('/v1/generations', describeReq);
    expect([r.status, r.body.error?.code, r.body.error?.creditsRefunded]).toEqual([502, 'GENERATION_FAILED', 1]);
    expect(converse.fake.requests).toHaveLength(2);
    expect((await api.get('/v1/credits')).body.credits.available).toBe(200);
    const ledger = (await api.get('/v1/credits/ledger')).body.items;
    expect(ledger.slice(0, 2).map((e: { type: string; amount: number }) => [e.type, e.amount])).toEqual([
      ['refund', 1],
      ['charge', -1],
    ]);
    expect(ledger[0].generationId).toBe(ledger[1].generationId);
    expect((await api.get('/v1/generations?productId=prod_banig')).body.items).toEqual([]);
  });

  it('given a phrase to always mention, when the first answer lacks it, then the retry is told the phrase; when both lack it, then 502 with the refund', async () => {
    const api = await withVoice({ tone: 'neutral', alwaysMention: ['Gawa sa Samar'], language: 'en' });
    converse.fake.script(descriptions('A woven banig.', 'A banig, gawa sa Samar.'), descriptions('A woven banig, Gawa sa Samar.', 'Gawa sa Samar: a banig.'));
    const ok = await api.post('/v1/generations', describeReq);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    // The phrase is merchant text: the retry points at it in the data block instead of quoting it.
    expect(userOf(1)).toMatch(/variant 1 lacks phrase number 1 of brandVoice\.alwaysMention; include every phrase word for word/);
    expect(userOf(1).split('</merchant_data>')[1]).not.toContain('Gawa sa Samar');

    converse.fake.reset();
    // The fake's own answers never hold the phrase.
    const failed = await api.post('/v1/generations', { ...describeReq, productId: 'prod_other' });
    expect([failed.status, failed.body.error?.code]).toEqual([502, 'GENERATION_FAILED']);
    expect(converse.fake.requests).toHaveLength(2);
    expect((await api.get('/v1/credits')).body.credits.available).toBe(199);
  });

  it('given SEO under a voice with phrases, then the meta descriptions must hold them, the titles need not', async () => {
    const api = await withVoice({ tone: 'neutral', alwaysMention: ['Free delivery'], language: 'en' });
    converse.fake.script({
      kind: 'tool_input',
      input: { variants: [{ title: 'Banig na Tikog', description: 'A woven mat. Free delivery.' }, { title: 'Shop Banig na Tikog', description: 'Free delivery on this woven mat.' }] },
    });
    const r = await api.post('/v1/generations', { ...describeReq, feature: 'seo_meta' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(converse.fake.requests).toHaveLength(1);
    expect(systemOf(0)).toMatch(/in each meta description \(the title need not hold them\)/);
  });

  const features = [
    ['product_description', describeReq],
    ['seo_meta', { ...describeReq, feature: 'seo_meta' }],
    ['blog_post', { feature: 'blog_post', input: { topic: 'Pag-aalaga ng banig', length: 'short' } }],
  ] as const;
  for (const [feature, req] of features) {
    it(`given ${feature} with language fil from the voice, then the prompt asks for Filipino; with input.language en, the request wins`, async () => {
      const api = await withVoice({ tone: 'friendly', language: 'fil' });
      expect((await api.post('/v1/generations', req)).status).toBe(201);
      expect(systemOf(0)).toMatch(/Write in Filipino \(Tagalog\), as a native Filipino copywriter/);
      const own = await api.post('/v1/generations', { ...req, input: { ...req.input, language: 'en' } });
      expect(own.status).toBe(201);
      expect(systemOf(1)).toMatch(/Write in English, in a friendly tone/);
      // And without a voice, input.language fil alone asks for Filipino.
      const { api: plain } = await ctx.paid('pro', 'bedrock');
      expect((await plain.post('/v1/generations', { ...req, input: { ...req.input, language: 'fil' } })).status).toBe(201);
      expect(systemOf(2)).toMatch(/Write in Filipino/);
    });
  }
});
