/**
 * Bulk generation jobs through the local stack (real HTTP, dynalite, the generation-jobs queue and its
 * worker bundle, the offline model): the one-write hold, skipping, per-item outcomes, autoSelect, cancel,
 * idempotent create and the 1 MB body limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/local/deps.ts';
import { ADMIN_SCOPE } from '../../lib/wiring.ts';
import { expectLedgerMatches } from '../support/ledger.ts';
import { apiFor, freshAccount, useStack, type Api } from '../support/stack.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const ctx = useStack({ env: { RATE_LIMIT_MAX_ATTEMPTS: '1000' } });

// A platform endpoint for the jobs' outbound event.
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver([200]);
  const admin = apiFor(ctx.stack, await ctx.stack.token(freshAccount('admin'), [ADMIN_SCOPE]));
  expect((await admin.post('/v1/admin/webhook-endpoints', { url: receiver.url, events: ['generation_job.completed'] })).status).toBe(201);
});
afterAll(async () => receiver?.close());
const jobEvents = (jobId: string) => receiver.events().filter((e) => e.data.jobId === jobId);

const item = (n: number) => ({ productId: `prod_${n}`, input: { name: `Product number ${n}`, features: ['hand made'], tone: 'friendly' } });
const items = (count: number, from = 0) => Array.from({ length: count }, (_, i) => item(from + i));

async function finished(api: Api, id: string) {
  await expect.poll(async () => (await api.get(`/v1/generation-jobs/${id}`)).body.status, { timeout: 30_000, interval: 100 }).toMatch(/^(completed|canceled)$/);
  return (await api.get(`/v1/generation-jobs/${id}`)).body;
}

async function allItems(api: Api, id: string) {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const r: any = await api.get(`/v1/generation-jobs/${id}/items?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.status).toBe(200);
    out.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return out;
}

describe('POST /v1/generation-jobs: the credits of every item, held in one write', () => {
  it('given a plus account, when it starts a job of 12 descriptions, then 202 queued with 12 held at once, and the job completes with one generation per item, charged once', async () => {
    const { id: accountId, api } = await ctx.paid('plus');
    const r = await api.post('/v1/generation-jobs', { feature: 'product_description', items: items(12) });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'queued', total: 12, skipped: 0, creditsHeld: 12 });
    expect(r.body.id).toMatch(/^job_/);
    expect(r.headers.get('ratelimit-remaining')).toBe('999');
    // Held at creation: available drops by the whole job before any item ran.
    expect((await api.get('/v1/credits')).body.credits.available).toBe(88);

    const job = await finished(api, r.body.id);
    expect(job).toMatchObject({ status: 'completed', total: 12, succeeded: 12, failed: 0, skipped: 0, canceled: 0, creditsCharged: 12, creditsRefunded: 0, creditsHeld: 0 });
    const listed = await allItems(api, r.body.id);
    expect(listed.map((x) => x.productId)).toEqual(items(12).map((x) => x.productId));
    expect(listed.every((x) => x.status === 'succeeded' && /^gen_/.test(x.generationId))).toBe(true);
    const g = await api.get(`/v1/generations/${listed[3].generationId}`);
    expect(g.body).toMatchObject({ jobId: r.body.id, productId: 'prod_3', creditsCharged: 1 });
    expect(g.body.variants).toHaveLength(2);

    // One charge entry for the job, no item charged again; the ledger sums to the balance.
    expect((await api.get('/v1/credits')).body.credits.available).toBe(88);
    const { ledger } = await expectLedgerMatches(deps().store, accountId);
    expect(ledger.filter((e) => e.type === 'charge').map((e) => [e.amount, e.generationId])).toEqual([[-12, r.body.id]]);
    expect((await deps().store.getAccount(accountId))!.jobHolds).toEqual([]);
    const notes = (await api.get('/v1/notifications')).body.items;
    expect(notes.filter((n: { type: string }) => n.type === 'generation_job_completed')).toHaveLength(1);
    expect((await api.get('/v1/generation-jobs')).body.items.map((j: { id: string }) => j.id)).toEqual([r.body.id]);
    // The write that ended the job recorded generation_job.completed; the worker relayed it to the endpoint, once.
    await expect.poll(() => jobEvents(r.body.id).length, { timeout: 10_000 }).toBe(1);
    expect(jobEvents(r.body.id)[0]).toMatchObject({
      type: 'generation_job.completed',
      data: { accountId, jobId: r.body.id, status: 'completed', total: 12, succeeded: 12, failed: 0, canceled: 0, creditsCharged: 12, creditsRefunded: 0 },
    });
    await ctx.stack.queues.idle();
    expect(jobEvents(r.body.id)).toHaveLength(1);
  });

  it('given a free account with 25 credits, when it asks for 30 items, then 402 with required 30 and available 25, and nothing is created, charged or counted', async () => {
    const api = await ctx.api(freshAccount());
    const r = await api.post('/v1/generation-jobs', { feature: 'product_description', items: items(30) });
    expect(r.status).toBe(402);
    expect(r.body.error).toMatchObject({ code: 'INSUFFICIENT_CREDITS', required: 30, available: 25, action: 'upgrade' });
    const credits = (await api.get('/v1/credits')).body;
    expect(credits.credits.available).toBe(25);
    expect(credits.rateLimit.remaining).toBe(1000);
    expect((await api.get('/v1/generation-jobs')).body.items).toEqual([]);
  });

  it('given a free account, when it asks for seo_meta or autoSelect 1, then 403 PLAN_UPGRADE_REQUIRED and nothing is charged', async () => {
    const api = await ctx.api(freshAccount());
    expect((await api.post('/v1/generation-jobs', { feature: 'seo_meta', items: items(2) })).body.error.code).toBe('PLAN_UPGRADE_REQUIRED');
    expect((await api.post('/v1/generation-jobs', { feature: 'product_description', items: items(2), autoSelect: 1 })).body.error.code).toBe('PLAN_UPGRADE_REQUIRED');
    expect((await api.get('/v1/credits')).body.credits.available).toBe(25);
  });

  it('given a free account, when its job completes, then each item has one selectable variant and one locked', async () => {
    const api = await ctx.api(freshAccount());
    const r = await api.post('/v1/generation-jobs', { feature: 'product_description', items: items(2) });
    expect(r.status).toBe(202);
    await finished(api, r.body.id);
    const [first] = await allItems(api, r.body.id);
    const g = (await api.get(`/v1/generations/${first.generationId}`)).body;
    expect(g.variants[1]).toEqual({ index: 1, locked: true });
  });

  it('given a repeated productId or a bad input, when a job is asked, then 400 naming the item, and nothing is charged', async () => {
    const api = await ctx.api(freshAccount());
    const dup = await api.post('/v1/generation-jobs', { feature: 'product_description', items: [item(1), item(2), item(1)] });
    expect(dup.status).toBe(400);
    expect(dup.body.error.issues[0].path).toBe('items.2.productId');
    const bad = await api.post('/v1/generation-jobs', { feature: 'product_description', items: [item(1), { productId: 'p', input: { name: '' } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toMatch(/^items\.1\.input\.name/);
    expect((await api.post('/v1/generation-jobs', { feature: 'product_description', items: [] })).status).toBe(400);
    expect((await api.post('/v1/generation-jobs', { feature: 'product_description', items: items(501) })).status).toBe(400);
    expect((await api.get('/v1/credits')).body.credits.available).toBe(25);
  });

  it('given products that already have a description, when a job skips existing, then they are skipped and not charged', async () => {
    const { api } = await ctx.paid('plus');
    for (const n of [0, 2]) expect((await api.put(`/v1/products/prod_${n}/content`, { description: `Written by hand ${n}.` })).status).toBe(200);
    const r = await api.post('/v1/generation-jobs', { feature: 'product_description', items: items(4), skipExisting: true });
    expect(r.body).toMatchObject({ total: 4, skipped: 2, creditsHeld: 2 });
    expect((await api.get('/v1/credits')).body.credits.available).toBe(98);
    const job = await finished(api, r.body.id);
    expect(job).toMatchObject({ succeeded: 2, skipped: 2, creditsCharged: 2, creditsHeld: 0 });
    expect((await allItems(api, r.body.id)).map((x) => x.status)).toEqual(['skipped', 'succeeded', 'skipped', 'succeeded']);
    // The hand-written text stays.
    expect((await api.get('/v1/products/prod_0/content')).body.description).toBe('Written by hand 0.');
  });

  it('given every product has content, when a job skips existing, then it is completed at once and charges nothing', async () => {
    const { api } = await ctx.paid('plus');
    expect((await api.put('/v1/products/prod_9/content', { description: 'Done already.' })).status).toBe(200);
    const r = await api.post('/v1/generation-jobs', { feature: 'product_description', items: [item(9)], skipExisting: true });
    expect(r.body).toMatchObject({ status: 'completed', total: 1, skipped: 1, creditsHeld: 0 });
    expect((await api.get('/v1/credits')).body.credits.available).toBe(100);
  });

  it('given autoSelect 1, when the job completes, then each product’s description is that variant, a history version with source generation', async () => {
    const { api } = await ctx.paid('plus');
    const r = await api.post('/v1/generation-jobs', { feature: 'product_description', items: items(3), autoSelect: 1 });
    await finished(api, r.body.id);
    const [, second] = await allItems(api, r.body.id);
    const g = (await api.get(`/v1/generations/${second.generationId}`)).body;
    expect(g.selectedIndex).toBe(1);
    expect((await api.get('/v1/products/prod_1/content')).body.description).toBe(g.variants[1].text);
    const history = (await api.get('/v1/products/prod_1/content/history?field=description')).body.items;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ source: 'generation', generationId: second.generationId, value: g.variants[1].text });
    const products = (await api.get('/v1/products')).body.items;
    expect(products.map((p: { productId: string }) => p.productId)).toEqual(['prod_0', 'prod_1', 'prod_2']);
    expect(products[0]).toMatchObject({ description: true, seo: false, image: false, name: 'Product number 0' });
  });

  it('given the same Idempotency-Key twice, when a job is created, then one job, charged once, answers both', async () => {
    const { api } = await ctx.paid('plus');
    const body = { feature: 'product_description', items: items(3) };
    const a = await api.post('/v1/generation-jobs', body, { 'idempotency-key': 'bulk-1' });
    const b = await api.post('/v1/generation-jobs', body, { 'idempotency-key': 'bulk-1' });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    await finished(api, a.body.id);
    expect((await api.get('/v1/credits')).body.credits.available).toBe(97);
    const other = await api.post('/v1/generation-jobs', { ...body, items: items(2) }, { 'idempotency-key': 'bulk-1' });
    expect(other.status).toBe(409);
  });

  it('given a body of 300 KB, when it is a job, then it is accepted, while 64 KB is the limit elsewhere and 1 MB here', async () => {
    const { api } = await ctx.paid('premium');
    const long = (n: number) => ({ productId: `big_${n}`, input: { name: `Big ${n}`, notes: 'x'.repeat(1000), features: Array.from({ length: 10 }, () => 'y'.repeat(100)) } });
    const big = { feature: 'product_description', items: Array.from({ length: 150 }, (_, i) => long(i)) };
    expect(JSON.stringify(big).length).toBeGreaterThan(300_000);
    const r = await api.post('/v1/generation-jobs', big);
    expect(r.status).toBe(202);
    const elsewhere = await api.post('/v1/generations', { feature: 'product_description', productId: 'p', input: { name: 'n', notes: 'z'.repeat(70_000) } });
    expect(elsewhere.status).toBe(413);
    const huge = await api.post('/v1/generation-jobs', { feature: 'product_description', items: [{ productId: 'h', input: { name: 'h', notes: 'z'.repeat(1_100_000) } }] });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: 1024 * 1024 });
    await finished(api, r.body.id);
  });

  it('given another account’s job id, when it is read, listed or canceled, then 404', async () => {
    const { api } = await ctx.paid('plus');
    const r = await api.post('/v1/generation-jobs', { feature: 'product_description', items: items(1) });
    const other = await ctx.api(freshAccount());
    expect((await other.get(`/v1/generation-jobs/${r.body.id}`)).status).toBe(404);
    expect((await other.get(`/v1/generation-jobs/${r.body.id}/items`)).status).toBe(404);
    expect((await other.post(`/v1/generation-jobs/${r.body.id}/cancel`)).status).toBe(404);
    expect((await other.get('/v1/generation-jobs/job_nope/items?cursor=%%%')).status).toBe(400);
    await finished(api, r.body.id);
  });
});
