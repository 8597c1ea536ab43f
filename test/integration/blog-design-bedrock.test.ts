/**
 * Website design and blog posts through the Bedrock adapter (a local Converse fake) over real HTTP:
 * what the model answers is checked and repaired in the generation path before a merchant sees it.
 */
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { useFakeConverse } from '../support/fake-converse.ts';
import { useStack, type Api } from '../support/stack.ts';

const converse = useFakeConverse();

const ctx = useStack({ env: { AI_PROVIDER: 'bedrock', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', RATE_LIMIT_MAX_ATTEMPTS: '1000' } });

const paid = async (): Promise<Api> => (await ctx.paid('pro', 'bedrock')).api;

/** WCAG 2 contrast, written here independently of functions/core/contrast.ts. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const section = (type: string, n: number) => ({ type, headline: `${type} headline ${n}`, body: `Copy for the ${type} section, proposal ${n}.` });

describe('website design and blog posts through Bedrock', () => {
  it('given a model answer whose text is unreadable on its background and whose hero is not first, then the merchant gets it repaired: ≥ 4.5:1, background kept, hero first', async () => {
    const api = await paid();
    const badPalettes = [
      { primary: '#336699', secondary: '#669933', accent: '#FFCC00', background: '#808080', text: '#777777' },
      { primary: '#7a1f3d', secondary: '#4a4a8a', accent: '#00897b', background: '#FDF8F2', text: '#F5F5F5' },
    ];
    expect(contrast(badPalettes[0].text, badPalettes[0].background)).toBeLessThan(1.5);
    expect(contrast(badPalettes[1].text.toLowerCase(), badPalettes[1].background.toLowerCase())).toBeLessThan(1.5);
    converse.fake.script({
      kind: 'tool_input',
      input: {
        variants: badPalettes.map((palette, n) => ({
          palette,
          fonts: { heading: 'Playfair Display', body: 'Lato' },
          sections: [section('about', n), section('hero', n), section('newsletter', n)],
        })),
      },
    });

    const r = await api.post('/v1/generations', { feature: 'website_design', input: { storeName: 'Nordic Knits', industry: 'knitwear' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(converse.fake.requests).toHaveLength(1);
    expect(r.body.creditsCharged).toBe(2);
    r.body.variants.forEach((v: any, n: number) => {
      expect(contrast(v.palette.text, v.palette.background)).toBeGreaterThanOrEqual(4.5);
      expect(v.palette.text).not.toBe(badPalettes[n].text.toLowerCase());
      // Only the text colour moves.
      for (const key of ['primary', 'secondary', 'accent', 'background'] as const) expect(v.palette[key]).toBe(badPalettes[n][key].toLowerCase());
      expect(v.sections.map((s: { type: string }) => s.type)).toEqual(['hero', 'about', 'newsletter']);
    });
    // What is stored is what was shown.
    const stored = await api.get(`/v1/generations/${r.body.id}`);
    expect(stored.body.variants).toEqual(r.body.variants);
  });

  it('given products with stored descriptions, when a blog post names them, then the prompt carries those descriptions and names as data', async () => {
    const api = await paid();
    const d = await api.post('/v1/generations', { feature: 'product_description', productId: 'prod_mug', input: { name: 'Fjord Mug', features: ['stoneware'] } });
    expect(d.status).toBe(201);
    await api.post(`/v1/generations/${d.body.id}/select`, { index: 1 });
    const stored: string = (await api.get('/v1/products/prod_mug/content')).body.description;

    const r = await api.post('/v1/generations', { feature: 'blog_post', input: { topic: 'Slow mornings', length: 'short', productIds: ['prod_mug'] } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const prompt: string = converse.fake.requests.at(-1)!.body.messages[0].content[0].text;
    const data = JSON.parse(prompt.slice(prompt.indexOf('{'), prompt.lastIndexOf('}') + 1));
    expect(data.products).toEqual([{ name: 'Fjord Mug', description: stored }]);
  });

  it('given a model that writes raw HTML into a blog post, then the page’s renderer shows it as text', async () => {
    const api = await paid();
    const body = `## Morning light\n\n${'A calm start makes the day. '.repeat(40)}\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>`;
    converse.fake.script({
      kind: 'tool_input',
      input: { variants: [0, 1].map((n) => ({ title: `Slow mornings ${n}`, excerpt: 'A calm start.', bodyMarkdown: `${body} ${n}` })) },
    });
    const r = await api.post('/v1/generations', { feature: 'blog_post', input: { topic: 'Slow mornings', length: 'short' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const page = new MarkdownIt({ html: false, linkify: false, typographer: true });
    for (const v of r.body.variants) {
      const html = page.render(v.bodyMarkdown);
      expect(html).not.toMatch(/<script|<img/i);
      expect(html).toContain('&lt;script&gt;');
    }
  });
});
