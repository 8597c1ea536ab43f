/**
 * Per-account caps over real HTTP (local stack, in-memory dynalite): at most 50 blog posts scheduled at
 * once, one scheduled post per draft, at most 200 uploads per rolling 24 h. Exact under parallel
 * requests, nothing created or charged past a cap, and a slot left by a request that died is reclaimed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../functions/config.ts';
import { deps } from '../../lib/local/deps.ts';
import { useStack, type Api } from '../support/stack.ts';

// Enough generation attempts to write the drafts these tests schedule.
const ctx = useStack({ env: { LOG_LEVEL: 'SILENT', RATE_LIMIT_MAX_ATTEMPTS: '1000' } });

const DAY = 86_400;
const inADay = (extraSeconds = 0) => new Date(Date.now() + (DAY + extraSeconds) * 1000).toISOString();

async function setClock(offsetSeconds: number): Promise<void> {
  const r = await fetch(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });
  expect(r.status).toBe(200);
}

afterEach(async () => {
  await setClock(0);
});

/** `n` blog generations of the account: 2 drafts each. */
async function drafts(api: Api, n: number): Promise<Array<{ generationId: string; index: number }>> {
  const out: Array<{ generationId: string; index: number }> = [];
  for (let i = 0; i < n; i++) {
    const r = await api.post('/v1/generations', { feature: 'blog_post', input: { topic: `Topic number ${i}`, length: 'short' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    out.push({ generationId: r.body.id, index: 0 }, { generationId: r.body.id, index: 1 });
  }
  return out;
}

const scheduledCount = async (api: Api) => (await api.get('/v1/blog-posts?status=scheduled&limit=100')).body.items.length as number;
const pendingFor = (accountId: string) => ctx.stack.scheduler.pending().filter((s) => (s.payload as { accountId: string }).accountId === accountId).length;

describe('cap: scheduled blog posts', () => {
  it('given 60 parallel schedule requests for 60 different drafts, then exactly 50 are scheduled and 10 answer 409 LIMIT_REACHED with limit 50, nothing else created or charged', async () => {
    expect(LIMITS.maxScheduledPosts).toBe(50);
    const m = await ctx.paid('premium', 'cap');
    const all = await drafts(m.api, 30);
    const before = (await m.api.get('/v1/credits')).body.credits.available;

    const answers = await Promise.all(all.map((d, i) => m.api.post('/v1/blog-posts', { ...d, publishAt: inADay(i) })));
    const created = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status === 409);
    expect(created).toHaveLength(50);
    expect(refused).toHaveLength(10);
    for (const r of refused) expect(r.body.error).toMatchObject({ code: 'LIMIT_REACHED', limit: 50 });
    expect(await scheduledCount(m.api)).toBe(50);
    expect(pendingFor(m.id)).toBe(50);
    expect((await m.api.get('/v1/credits')).body.credits.available).toBe(before);

    // Canceling one frees one slot, once: canceling it again frees nothing more.
    const refusedDrafts = all.filter((_, i) => answers[i].status === 409);
    await m.api.del(`/v1/blog-posts/${created[0].body.id}`);
    await m.api.del(`/v1/blog-posts/${created[0].body.id}`);
    expect((await m.api.post('/v1/blog-posts', { ...refusedDrafts[0], publishAt: inADay() })).status).toBe(201);
    const full = await m.api.post('/v1/blog-posts', { ...refusedDrafts[1], publishAt: inADay() });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('LIMIT_REACHED');

    // Publishing frees a slot too, also when the schedule fires twice.
    expect(await ctx.stack.invoke('blog-publish', { accountId: m.id, postId: created[1].body.id })).toEqual({ outcome: 'published' });
    expect(await ctx.stack.invoke('blog-publish', { accountId: m.id, postId: created[1].body.id })).toEqual({ outcome: 'already_published' });
    expect((await m.api.post('/v1/blog-posts', { ...refusedDrafts[1], publishAt: inADay() })).status).toBe(201);
    expect((await m.api.post('/v1/blog-posts', { ...refusedDrafts[2], publishAt: inADay() })).status).toBe(409);
    expect(await scheduledCount(m.api)).toBe(50);
  }, 120_000);

  it('given a draft already scheduled, when it is scheduled again (also 5 times in parallel), then 409 CONFLICT naming the post; after a cancel it can be scheduled again', async () => {
    const m = await ctx.paid('plus', 'cap');
    const [draft] = await drafts(m.api, 1);
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => m.api.post('/v1/blog-posts', { ...draft, publishAt: inADay(i) })));
    const created = answers.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    for (const r of answers.filter((a) => a.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'CONFLICT', postId: created[0].body.id });
    }
    expect(await scheduledCount(m.api)).toBe(1);
    expect(pendingFor(m.id)).toBe(1);

    // The other draft of the same generation is a different post.
    expect((await m.api.post('/v1/blog-posts', { ...draft, index: 1, publishAt: inADay() })).status).toBe(201);
    await m.api.del(`/v1/blog-posts/${created[0].body.id}`);
    const again = await m.api.post('/v1/blog-posts', { ...draft, publishAt: inADay() });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(created[0].body.id);
  });

  it('given a slot left by a request that died before writing its post, or a post canceled by a process that died before giving its slot back, then the full cap reclaims them, but not a slot taken moments ago', async () => {
    const m = await ctx.paid('premium', 'cap');
    const all = await drafts(m.api, 25);
    const caps = deps().caps;
    const now = Date.now();
    const old = new Date(now - (LIMITS.capSlotReclaimSeconds + 60) * 1000).toISOString();
    // A crash after taking the slot: the slot names a post that was never written.
    expect((await caps.take(m.id, 'scheduled-posts', { key: 'gen_dead#0', ref: 'post_never_written', at: old }, 50)).ok).toBe(true);
    // A request still in flight: its post is not written yet either, but it may still be.
    expect((await caps.take(m.id, 'scheduled-posts', { key: 'gen_busy#0', ref: 'post_in_flight', at: new Date(now).toISOString() }, 50)).ok).toBe(true);
    const posts = [];
    for (const d of all.slice(0, 48)) {
      const r = await m.api.post('/v1/blog-posts', { ...d, publishAt: inADay() });
      expect(r.status).toBe(201);
      posts.push(r.body);
    }
    // A cancel whose process died after the status write and before giving the slot back.
    expect((await deps().blogPosts.leaveScheduled(m.id, posts[0].id, 'canceled', old)).ok).toBe(true);

    // Full (48 posts + 2 orphans): the dead request's old slot is reclaimed. The in-flight slot and the
    // canceled post's slot were taken moments ago, so they still count until the reclaim time.
    expect((await m.api.post('/v1/blog-posts', { ...all[48], publishAt: inADay() })).status).toBe(201);
    const next = await m.api.post('/v1/blog-posts', { ...all[49], publishAt: inADay() });
    expect(next.status).toBe(409);
    await setClock(LIMITS.capSlotReclaimSeconds + 5);
    const later = await ctx.api(m.id);
    // Now the canceled post's slot is old enough: reclaimed. The in-flight slot is too, as its post never came.
    expect((await later.post('/v1/blog-posts', { ...all[49], publishAt: inADay(DAY) })).status).toBe(201);
    const slots = await caps.slots(m.id, 'scheduled-posts');
    expect(slots.map((s) => s.ref)).not.toContain('post_never_written');
    expect(slots.map((s) => s.ref)).not.toContain(posts[0].id);
    expect(slots).toHaveLength(await scheduledCount(later));
  }, 120_000);
});

describe('cap: uploads per rolling 24 h', () => {
  it('given 210 parallel upload requests, then exactly 200 get an upload URL and 10 answer 409 LIMIT_REACHED with limit 200; 24 h later uploads are possible again', async () => {
    expect(LIMITS.maxUploadsPerWindow).toBe(200);
    const m = await ctx.paid('plus', 'cap');
    const answers = await Promise.all(Array.from({ length: 210 }, () => m.api.post('/v1/uploads', { contentType: 'image/png', bytes: 1000 })));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(200);
    const refused = answers.filter((r) => r.status === 409);
    expect(refused).toHaveLength(10);
    for (const r of refused) expect(r.body.error).toMatchObject({ code: 'LIMIT_REACHED', limit: 200 });
    expect(new Set(answers.filter((r) => r.status === 201).map((r) => r.body.uploadId)).size).toBe(200);

    // Almost a day later the window still holds them all.
    await setClock(DAY - 60);
    expect((await (await ctx.api(m.id)).post('/v1/uploads', { contentType: 'image/png', bytes: 1000 })).status).toBe(409);
    await setClock(DAY + 1);
    const later = await ctx.api(m.id);
    expect((await later.post('/v1/uploads', { contentType: 'image/png', bytes: 1000 })).status).toBe(201);
    expect((await deps().caps.slots(m.id, 'uploads')).length).toBe(1);
  }, 120_000);
});
