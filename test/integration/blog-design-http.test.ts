/**
 * Blog writing and scheduled publishing, and website design, over real HTTP against the local stack
 * (in-memory dynalite, the in-process scheduler on the service clock, the offline model).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import MarkdownIt from 'markdown-it';
import { afterEach, describe, expect, it } from 'vitest';
import { deps } from '../../lib/local/deps.ts';
import { freshAccount, useStack, type Api } from '../support/stack.ts';

const ctx = useStack();
/** Invokes blog-publish's bundle as its one-time schedule would (a duplicate or late firing). */
const publish = (payload: { accountId: string; postId: string }) => ctx.stack.invoke('blog-publish', payload) as Promise<{ outcome: string }>;

const DAY = 86_400;
const blogBody = (extra: Record<string, unknown> = {}) => ({
  feature: 'blog_post',
  input: { topic: 'How to care for a cast iron skillet', keywords: ['cast iron', 'seasoning'], tone: 'friendly', length: 'short', ...extra },
});
const designBody = { feature: 'website_design', input: { storeName: 'Nordic Knits', industry: 'knitwear', audience: 'people who love the outdoors', style: 'elegant' } };

/** A fresh token per call site: the service clock moves in these tests, and local tokens follow it. */
async function paidAccount(): Promise<{ id: string; api: () => Promise<Api> }> {
  const { id } = await ctx.paid('plus', 'blog');
  return { id, api: () => ctx.api(id) };
}

async function setClock(offsetSeconds: number): Promise<void> {
  const r = await fetch(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });
  expect(r.status).toBe(200);
}

const inADay = () => new Date(Date.now() + DAY * 1000).toISOString();

async function blogGeneration(api: Api, extra: Record<string, unknown> = {}) {
  const r = await api.post('/v1/generations', blogBody(extra));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function blogNotifications(api: Api) {
  return (await api.get('/v1/notifications')).body.items.filter((n: { type: string }) => n.type === 'blog_published');
}

/** WCAG 2 contrast, written here independently of functions/core/contrast.ts. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

afterEach(async () => {
  await setClock(0);
});

describe('blog posts: generate, schedule, publish on the service clock', () => {
  it('given a paid merchant, when it generates a blog post, schedules variant 1 for tomorrow and the clock passes it, then the post is published and a notification says so', async () => {
    const m = await paidAccount();
    let api = await m.api();
    const g = await blogGeneration(api);
    expect(g).toMatchObject({ feature: 'blog_post', productId: null, creditsCharged: 3, credits: { available: 97 } });
    expect(g.variants).toHaveLength(2);
    for (const v of g.variants) {
      expect(v.title.length).toBeGreaterThan(0);
      expect(v.title.length).toBeLessThanOrEqual(70);
      expect(v.excerpt.length).toBeLessThanOrEqual(200);
      // About 300 words for "short".
      const words = v.bodyMarkdown.split(/\s+/).filter(Boolean).length;
      expect(words).toBeGreaterThan(200);
      expect(words).toBeLessThan(420);
    }
    expect(g.variants[0].bodyMarkdown).not.toBe(g.variants[1].bodyMarkdown);

    const publishAt = inADay();
    const created = await api.post('/v1/blog-posts', { generationId: g.id, index: 1, publishAt });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ title: g.variants[1].title, status: 'scheduled', publishAt });
    expect(created.body.id).toMatch(/^post_/);
    expect((await api.get('/v1/credits')).body.credits.available).toBe(97);

    const listed = await api.get('/v1/blog-posts');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, status: 'scheduled', title: g.variants[1].title })]);
    expect(listed.body.items[0].bodyMarkdown).toBeUndefined();
    const one = await api.get(`/v1/blog-posts/${created.body.id}`);
    expect(one.body).toMatchObject({ id: created.body.id, status: 'scheduled', bodyMarkdown: g.variants[1].bodyMarkdown, excerpt: g.variants[1].excerpt });
    expect(ctx.stack.scheduler.pending().map((s) => s.name)).toContain(`blog-${created.body.id}`);

    // Not yet: an hour before.
    await setClock(DAY - 3600);
    api = await m.api();
    expect((await api.get(`/v1/blog-posts/${created.body.id}`)).body.status).toBe('scheduled');

    await setClock(90_000);
    api = await m.api();
    const published = await api.get(`/v1/blog-posts/${created.body.id}`);
    expect(published.body).toMatchObject({ status: 'published', publishAt });
    expect(Date.parse(published.body.publishedAt)).toBeGreaterThanOrEqual(Date.parse(publishAt));
    const notes = await blogNotifications(api);
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toContain(g.variants[1].title);
    expect(ctx.stack.scheduler.pending().map((s) => s.name)).not.toContain(`blog-${created.body.id}`);
    expect((await api.get('/v1/blog-posts')).body.items[0]).toMatchObject({ id: created.body.id, status: 'published' });

    // A published post cannot be canceled.
    const cancel = await api.del(`/v1/blog-posts/${created.body.id}`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('ALREADY_PUBLISHED');
  });

  it('given a scheduled post, when it is canceled, then its schedule is deleted and it never publishes, even if a schedule for it still fires', async () => {
    const m = await paidAccount();
    let api = await m.api();
    const g = await blogGeneration(api);
    const keep = (await api.post('/v1/blog-posts', { generationId: g.id, index: 0, publishAt: inADay() })).body;
    const post = (await api.post('/v1/blog-posts', { generationId: g.id, index: 1, publishAt: inADay() })).body;

    const canceled = await api.del(`/v1/blog-posts/${post.id}`);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ id: post.id, status: 'canceled' });
    expect(canceled.body.canceledAt).toEqual(expect.any(String));
    expect(ctx.stack.scheduler.pending().map((s) => s.name)).not.toContain(`blog-${post.id}`);
    // Canceling again answers the same post.
    expect((await api.del(`/v1/blog-posts/${post.id}`)).body).toMatchObject({ status: 'canceled' });

    expect((await api.get('/v1/blog-posts')).body.items.map((p: { id: string }) => p.id)).toEqual([keep.id]);
    expect((await api.get('/v1/blog-posts?status=canceled')).body.items.map((p: { id: string }) => p.id)).toEqual([post.id]);

    // A schedule that was already on its way (a deletion that lost the race) fires into a canceled post.
    expect(await publish({ accountId: m.id, postId: post.id })).toEqual({ outcome: 'canceled' });
    await setClock(2 * DAY);
    api = await m.api();
    expect((await api.get(`/v1/blog-posts/${post.id}`)).body.status).toBe('canceled');
    expect((await api.get(`/v1/blog-posts/${keep.id}`)).body.status).toBe('published');
    const notes = await blogNotifications(api);
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toContain(keep.title);
  });

  it('given a schedule that fires twice (a retried or duplicated invocation), then the post publishes once with one notification', async () => {
    const m = await paidAccount();
    const api = await m.api();
    const g = await blogGeneration(api);
    const post = (await api.post('/v1/blog-posts', { generationId: g.id, index: 0, publishAt: inADay() })).body;
    const payload = { accountId: m.id, postId: post.id };

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => publish(payload)));
    expect(outcomes.filter((o) => o.outcome === 'published')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'already_published')).toHaveLength(4);
    expect(await publish(payload)).toEqual({ outcome: 'already_published' });
    // And the real schedule fires later still.
    await setClock(2 * DAY);
    const later = await m.api();
    expect((await later.get(`/v1/blog-posts/${post.id}`)).body.status).toBe('published');
    expect(await blogNotifications(later)).toHaveLength(1);
  });

  it('given the publisher died between publishing and notifying, when the schedule retries, then the notification is written once', async () => {
    const m = await paidAccount();
    const api = await m.api();
    const g = await blogGeneration(api);
    const post = (await api.post('/v1/blog-posts', { generationId: g.id, index: 0, publishAt: inADay() })).body;
    // The winner's first write, and then nothing: it crashed.
    const won = await deps().blogPosts.leaveScheduled(m.id, post.id, 'published', new Date().toISOString());
    expect(won.ok).toBe(true);
    expect(await blogNotifications(api)).toHaveLength(0);

    expect(await publish({ accountId: m.id, postId: post.id })).toEqual({ outcome: 'already_published' });
    expect(await publish({ accountId: m.id, postId: post.id })).toEqual({ outcome: 'already_published' });
    expect(await blogNotifications(api)).toHaveLength(1);
  });

  it('given an Idempotency-Key, when the same schedule request is sent twice, then one post and one schedule exist; the list pages newest first', async () => {
    const m = await paidAccount();
    const api = await m.api();
    const g = await blogGeneration(api);
    const body = { generationId: g.id, index: 0, publishAt: inADay() };
    const [a, b] = [await api.post('/v1/blog-posts', body, { 'idempotency-key': 'sched-1' }), await api.post('/v1/blog-posts', body, { 'idempotency-key': 'sched-1' })];
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(ctx.stack.scheduler.pending().filter((s) => (s.payload as { accountId: string }).accountId === m.id)).toHaveLength(1);

    const second = (await api.post('/v1/blog-posts', { ...body, index: 1 })).body;
    // Without the key, the same draft again is refused while its post is scheduled; another draft is not.
    const again = await api.post('/v1/blog-posts', body);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', postId: a.body.id });
    const third = (await api.post('/v1/blog-posts', { ...body, generationId: (await blogGeneration(api)).id })).body;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await api.get(`/v1/blog-posts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((p) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([third.id, second.id, a.body.id]);
    expect((await api.get('/v1/blog-posts?cursor=bm9wZQ')).status).toBe(400);
  });

  it('given a publishAt in the past on the service clock, or not a date, or a variant that does not exist, then 400 and nothing is scheduled', async () => {
    const m = await paidAccount();
    let api = await m.api();
    const g = await blogGeneration(api);
    const bad = [
      { generationId: g.id, index: 0, publishAt: new Date(Date.now() - 60_000).toISOString() },
      { generationId: g.id, index: 0, publishAt: 'tomorrow' },
      { generationId: g.id, index: 0, publishAt: '2031-02-30T10:00' },
      { generationId: g.id, index: 2, publishAt: inADay() },
      { generationId: g.id, publishAt: inADay() },
      { generationId: g.id, index: 0, publishAt: new Date(Date.now() + 400 * DAY * 1000).toISOString() },
      { generationId: g.id, index: 0, publishAt: inADay(), extra: true },
    ];
    for (const body of bad) {
      const r = await api.post('/v1/blog-posts', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    // The service clock decides what is past: two days ahead, "tomorrow" in real time is past.
    await setClock(2 * DAY);
    api = await m.api();
    const past = await api.post('/v1/blog-posts', { generationId: g.id, index: 0, publishAt: inADay() });
    expect(past.status).toBe(400);
    expect(past.body.error.issues[0].path).toBe('publishAt');
    expect((await api.get('/v1/blog-posts?status=scheduled')).body.items).toEqual([]);
  });

  it("given another account's generation or post, or a generation that is not a blog post, then 404", async () => {
    const a = await paidAccount();
    const b = await paidAccount();
    const apiA = await a.api();
    const apiB = await b.api();
    const g = await blogGeneration(apiA);
    const post = (await apiA.post('/v1/blog-posts', { generationId: g.id, index: 0, publishAt: inADay() })).body;

    for (const r of [
      await apiB.post('/v1/blog-posts', { generationId: g.id, index: 0, publishAt: inADay() }),
      await apiB.get(`/v1/blog-posts/${post.id}`),
      await apiB.del(`/v1/blog-posts/${post.id}`),
      await apiA.post('/v1/blog-posts', { generationId: 'gen_nope', index: 0, publishAt: inADay() }),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    }
    expect((await apiB.get('/v1/blog-posts')).body.items).toEqual([]);
    expect((await apiA.get(`/v1/blog-posts/${post.id}`)).body.status).toBe('scheduled');

    const description = await apiA.post('/v1/generations', { feature: 'product_description', productId: 'prod_x', input: { name: 'Skillet' } });
    const notBlog = await apiA.post('/v1/blog-posts', { generationId: description.body.id, index: 0, publishAt: inADay() });
    expect(notBlog.status).toBe(404);
    // The publisher ignores a payload naming another account's post.
    expect(await publish({ accountId: b.id, postId: post.id })).toEqual({ outcome: 'not_found' });
  });

  it('given products with stored descriptions, when a blog post names them, then both drafts quote those descriptions and name them; an unknown product is 404 and charges nothing', async () => {
    const m = await paidAccount();
    const api = await m.api();
    const d = await api.post('/v1/generations', {
      feature: 'product_description',
      productId: 'prod_skillet',
      input: { name: 'Heritage Skillet', features: ['pre-seasoned cast iron', '26 cm'], tone: 'friendly' },
    });
    await api.post(`/v1/generations/${d.body.id}/select`, { index: 0 });
    const stored: string = (await api.get('/v1/products/prod_skillet/content')).body.description;
    const firstSentence = stored.split(/(?<=[.!?])\s/)[0];

    const g = await blogGeneration(api, { productIds: ['prod_skillet'] });
    for (const v of g.variants) {
      expect(v.bodyMarkdown).toContain(firstSentence);
      expect(v.bodyMarkdown).toContain('Heritage Skillet');
    }

    const before = (await api.get('/v1/credits')).body.credits.available;
    const unknown = await api.post('/v1/generations', blogBody({ productIds: ['prod_skillet', 'prod_missing'] }));
    expect(unknown.status).toBe(404);
    expect((await api.get('/v1/credits')).body.credits.available).toBe(before);
  });

  it('given a topic carrying raw HTML, then the drafts carry none, and the page’s renderer (markdown-it, html: false) would show any as text', async () => {
    const m = await paidAccount();
    const api = await m.api();
    const g = await blogGeneration(api, { topic: 'Pans <script>alert(1)</script> and <img src=x onerror=alert(2)> lids', keywords: ['<b>bold</b>'] });
    const source = readFileSync(resolve(import.meta.dirname, '../../web/src/components/Markdown.tsx'), 'utf8');
    expect(source).toMatch(/new MarkdownIt\(\{[^}]*html: false/);
    const page = new MarkdownIt({ html: false, linkify: false, typographer: true });
    for (const v of g.variants) {
      expect(`${v.title} ${v.excerpt} ${v.bodyMarkdown}`).not.toMatch(/<script|<img|<b>|onerror=/i);
      expect(page.render(v.bodyMarkdown)).not.toMatch(/<script|<img|onerror=/i);
    }
    // What a model could still write (see the Bedrock test) stays text on the page.
    const hostile = `## Hi\n\n<script>alert(1)</script>\n\nText <img src=x onerror=alert(2)> [x](javascript:alert(3))`;
    expect(new MarkdownIt({ html: true }).render(hostile)).toMatch(/<script>/);
    const safe = page.render(hostile);
    expect(safe).not.toMatch(/<script|<img|href="javascript:/i);
    expect(safe).toContain('&lt;script&gt;');
  });
});

describe('plans and website design', () => {
  it('given a free merchant, when it asks for a blog post or a website design, then 403 upgrade, nothing charged, no attempt counted', async () => {
    const api = await ctx.api(freshAccount('free'));
    for (const body of [blogBody(), designBody]) {
      const r = await api.post('/v1/generations', body);
      expect(r.status).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'PLAN_UPGRADE_REQUIRED', action: 'upgrade' });
    }
    const credits = (await api.get('/v1/credits')).body;
    expect(credits.credits.available).toBe(25);
    expect(credits.rateLimit.remaining).toBe(10);
  });

  it('given a paid merchant, when it generates a website design, then 2 credits buy two proposals with readable text, distinct palettes and the hero first; selecting one stores it', async () => {
    const m = await paidAccount();
    const api = await m.api();
    const r = await api.post('/v1/generations', designBody);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ feature: 'website_design', creditsCharged: 2, credits: { available: 98 } });
    const [a, b] = r.body.variants;
    for (const v of [a, b]) {
      for (const colour of Object.values(v.palette)) expect(colour).toMatch(/^#[0-9a-f]{6}$/);
      expect(contrast(v.palette.text, v.palette.background)).toBeGreaterThanOrEqual(4.5);
      expect(v.fonts.heading).toEqual(expect.any(String));
      expect(v.fonts.body).toEqual(expect.any(String));
      expect(v.sections[0].type).toBe('hero');
      for (const s of v.sections) {
        expect(['hero', 'featured_products', 'testimonials', 'about', 'newsletter', 'faq']).toContain(s.type);
        expect(s.headline.length).toBeGreaterThan(0);
        expect(s.body.length).toBeGreaterThan(0);
      }
    }
    expect(a.palette).not.toEqual(b.palette);
    const chosen = await api.post(`/v1/generations/${r.body.id}/select`, { index: 1 });
    expect(chosen.status).toBe(200);
    expect(chosen.body.selectedIndex).toBe(1);
    expect((await api.get('/v1/credits')).body.credits.available).toBe(98);
  });
});
