import { afterEach, describe, expect, it } from 'vitest';
import { call, freshAccount, useStack } from '../support/stack.ts';

const ctx = useStack();
const body = { feature: 'product_description', productId: 'prod_rl', input: { name: 'Linen Throw Pillow', tone: 'neutral' } };

async function setClock(offsetSeconds: number) {
  const r = await call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });
  expect(r.status).toBe(200);
}

afterEach(async () => setClock(0));

describe('rate limit and cooldown (10 attempts per hour, then 15 minutes)', () => {
  it('given defaults, when a merchant generates 12 times, then 10 pass counting down, the 11th and 12th get the same cooldown, one notification, and it works again after 901 s', async () => {
    const api = await ctx.api(freshAccount());
    const remaining: string[] = [];
    let lastId = '';
    for (let i = 0; i < 10; i++) {
      const r = await api.post('/v1/generations', body);
      expect(r.status).toBe(201);
      remaining.push(r.headers.get('ratelimit-remaining')!);
      lastId = r.body.id;
    }
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);

    const eleventh = await api.post('/v1/generations', body);
    const twelfth = await api.post('/v1/generations', body);
    for (const r of [eleventh, twelfth]) {
      expect(r.status).toBe(429);
      expect(r.body.error.code).toBe('COOLDOWN_ACTIVE');
      expect(r.body.error.message).toMatch(/generat/i);
      const retryAfter = Number(r.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(895);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expect(r.body.error.retryAfterSeconds).toBe(retryAfter);
      expect(r.headers.get('ratelimit-remaining')).toBe('0');
    }
    expect(twelfth.body.error.cooldownUntil).toBe(eleventh.body.error.cooldownUntil);
    expect(Date.parse(eleventh.body.error.cooldownUntil) - Date.now()).toBeGreaterThan(890_000);

    const regen = await api.post(`/v1/generations/${lastId}/regenerate`);
    expect(regen.status).toBe(429);
    expect(regen.body.error.cooldownUntil).toBe(eleventh.body.error.cooldownUntil);

    const credits = (await api.get('/v1/credits')).body;
    expect(credits.credits.available).toBe(15);
    expect(credits.rateLimit).toMatchObject({ remaining: 0, cooldownUntil: eleventh.body.error.cooldownUntil });
    const notes = (await api.get('/v1/notifications')).body.items.filter((n: { type: string }) => n.type === 'cooldown_started');
    expect(notes).toHaveLength(1);
    expect(notes[0].readAt).toBeNull();

    await setClock(901);
    const after = await api.post('/v1/generations', body);
    expect(after.status).toBe(201);
    expect(after.headers.get('ratelimit-remaining')).toBe('9');
    expect(after.body.credits.available).toBe(14);
  });

  it('given a fresh account, when 30 attempts race, then exactly 10 × 201 and 20 × 429, 10 credits charged, one cooldown notification', async () => {
    const api = await ctx.api(freshAccount());
    const all = await Promise.all(Array.from({ length: 30 }, () => api.post('/v1/generations', body)));
    const statuses = all.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    expect(new Set(all.filter((r) => r.status === 429).map((r) => r.body.error.cooldownUntil)).size).toBe(1);
    expect((await api.get('/v1/credits')).body.credits.available).toBe(15);
    const notes = (await api.get('/v1/notifications')).body.items.filter((n: { type: string }) => n.type === 'cooldown_started');
    expect(notes).toHaveLength(1);
  });

  it('given refusals for plan, input or credits, then they are not counted', async () => {
    const api = await ctx.api(freshAccount());
    expect((await api.post('/v1/generations', { ...body, feature: 'seo_meta' })).status).toBe(403);
    expect((await api.post('/v1/generations', { ...body, input: { name: '' } })).status).toBe(400);
    expect((await api.get('/v1/credits')).body.rateLimit).toMatchObject({ remaining: 10, windowResetAt: null });
  });

  it('given the window has passed without a cooldown, then the count starts again', async () => {
    const api = await ctx.api(freshAccount());
    for (let i = 0; i < 3; i++) expect((await api.post('/v1/generations', body)).status).toBe(201);
    expect((await api.get('/v1/credits')).body.rateLimit.remaining).toBe(7);
    await setClock(3601);
    const credits = (await api.get('/v1/credits')).body.rateLimit;
    expect(credits).toMatchObject({ remaining: 10, windowResetAt: null, cooldownUntil: null });
    const r = await api.post('/v1/generations', body);
    expect(r.headers.get('ratelimit-remaining')).toBe('9');
  });

  it('given a notification, when it is marked read, then it shows readAt; another account cannot mark it', async () => {
    const api = await ctx.api(freshAccount());
    await Promise.all(Array.from({ length: 11 }, () => api.post('/v1/generations', body)));
    const [note] = (await api.get('/v1/notifications')).body.items;
    const other = await ctx.api(freshAccount());
    expect((await other.post(`/v1/notifications/${note.id}/read`)).status).toBe(404);
    const read = await api.post(`/v1/notifications/${note.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const again = (await api.get('/v1/notifications')).body.items.find((n: { id: string }) => n.id === note.id);
    expect(again.readAt).toBe(read.body.readAt);
  });
});
