/**
 * Top-ups end to end on the local stack: packs, creating a top-up, the local checkout page sending the
 * signed webhook over HTTP, and the billing-events handler crediting the purchased bucket exactly once
 * whatever the billing system sends, in whatever order.
 */
import { describe, expect, it } from 'vitest';
import { TOP_UP_PACKS } from '../../functions/config.ts';
import { dynamoRequestCounts, resetDynamoRequestCounts } from '../../functions/adapters/dynamo-client.ts';
import { creditPurchased } from '../../functions/core/credits.ts';
import { newId } from '../../functions/core/ids.ts';
import { deps } from '../../lib/local/deps.ts';
import { billingEvent, deliver, deliverAndSettle, spend } from '../support/billing.ts';
import { call, freshAccount, useStack, type Api } from '../support/stack.ts';

const ctx = useStack();

const generation = { feature: 'product_description', productId: 'prod_topup', input: { name: 'Canvas Tote Bag', category: 'Bags' } };

async function credits(api: Api) {
  const r = await api.get('/v1/credits');
  expect(r.status).toBe(200);
  return r.body as { plan: string; topUpAvailable: boolean; credits: { available: number; allowance: number; allowanceRemaining: number; purchased: number } };
}

async function topUpLedger(api: Api) {
  const r = await api.get('/v1/credits/ledger?limit=100');
  return (r.body.items as Array<{ type: string; amount: number; bucket: string; topUpId?: string }>).filter((e) => e.type === 'top_up');
}

async function topUpNotifications(api: Api) {
  const r = await api.get('/v1/notifications');
  expect(r.status).toBe(200);
  return (r.body.items as Array<{ type: string }>).filter((n) => n.type === 'top_up_completed');
}

/** A merchant on `plan`, moved there by the local plan route (a signed subscription webhook). */
async function merchant(plan: 'free' | 'plus' | 'pro' | 'premium') {
  const accountId = freshAccount(plan);
  const api = await ctx.api(accountId);
  await credits(api);
  if (plan !== 'free') {
    const r = await call(`${ctx.stack.url}/local/accounts/${accountId}/plan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ plan }) });
    expect(r.status).toBe(200);
  }
  return { accountId, api };
}

async function buy(api: Api, packId = 'pack_50') {
  const r = await api.post('/v1/credits/top-ups', { packId });
  expect(r.status).toBe(201);
  return r.body as { id: string; packId: string; credits: number; status: string; checkoutUrl: string; createdAt: string };
}

/** What a browser does on the checkout page: a form POST, then it follows the redirect back to the app. */
async function clickOnCheckout(topUp: { checkoutUrl: string }, button: 'pay' | 'cancel') {
  const res = await fetch(`${topUp.checkoutUrl}/${button}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: '',
    redirect: 'manual',
  });
  await res.text();
  return res;
}

const paidEvent = (accountId: string, topUpId: string) => billingEvent(ctx.stack, 'topup.paid', { accountId, topUpId });
const failedEvent = (accountId: string, topUpId: string) => billingEvent(ctx.stack, 'topup.failed', { accountId, topUpId });

describe('top-up packs and creating a top-up', () => {
  it('given any merchant, when GET /v1/credits/top-up-packs, then the packs of the configuration module', async () => {
    const { api } = await merchant('free');
    const r = await api.get('/v1/credits/top-up-packs');
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual(TOP_UP_PACKS);
    expect(r.body.items[0]).toEqual({ id: 'pack_50', credits: 50, price: { amount: '4.99', currency: 'USD' } });
    // A pack may carry validDays; the others never expire.
    expect(r.body.items.filter((p: { validDays?: number }) => p.validDays).length).toBeGreaterThan(0);
  });

  it('given no token, when asking for packs or top-ups, then 401', async () => {
    const anon = await ctx.api();
    expect((await anon.get('/v1/credits/top-up-packs')).status).toBe(401);
    expect((await anon.post('/v1/credits/top-ups', { packId: 'pack_50' })).status).toBe(401);
  });

  it('given a free merchant, when buying a pack, then 403 PLAN_UPGRADE_REQUIRED (action upgrade) and no top-up exists', async () => {
    const { api } = await merchant('free');
    const r = await api.post('/v1/credits/top-ups', { packId: 'pack_50' });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'PLAN_UPGRADE_REQUIRED', action: 'upgrade' });
    expect((await api.get('/v1/credits/top-ups')).body.items).toEqual([]);
    expect((await credits(api)).topUpAvailable).toBe(false);
  });

  it('given a paid merchant, when buying an unknown pack or sending extra fields, then 400', async () => {
    const { api } = await merchant('plus');
    for (const body of [{ packId: 'pack_7' }, {}, { packId: 'pack_50', credits: 5000 }, 'not json']) {
      const r = await api.post('/v1/credits/top-ups', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('given a paid merchant, when buying pack_150, then 201 pending with a checkout URL of the local stack naming the account and the top-up, and nothing is credited yet', async () => {
    const { accountId, api } = await merchant('pro');
    const t = await buy(api, 'pack_150');
    expect(t).toMatchObject({ packId: 'pack_150', credits: 150, status: 'pending' });
    expect(t.id).toMatch(/^tu_/);
    expect(t.checkoutUrl).toBe(`${ctx.stack.url}/local/checkout/${encodeURIComponent(accountId)}/${t.id}`);
    expect(new Date(t.createdAt).toISOString()).toBe(t.createdAt);
    expect((await credits(api)).credits.purchased).toBe(0);
  });

  it('given the same Idempotency-Key, then the same top-up is answered; with another body, 409', async () => {
    const { api } = await merchant('plus');
    const key = { 'idempotency-key': `k-${newId('k')}` };
    const a = await api.post('/v1/credits/top-ups', { packId: 'pack_50' }, key);
    const b = await api.post('/v1/credits/top-ups', { packId: 'pack_50' }, key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    const c = await api.post('/v1/credits/top-ups', { packId: 'pack_500' }, key);
    expect(c.status).toBe(409);
    expect(c.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect((await api.get('/v1/credits/top-ups')).body.items).toHaveLength(1);
  });

  it('given several top-ups, when listing, then only the account\'s own, newest first, paged', async () => {
    const { api } = await merchant('premium');
    const other = await merchant('plus');
    await buy(other.api);
    const ids = [];
    for (const p of ['pack_50', 'pack_150', 'pack_500']) ids.push((await buy(api, p)).id);
    const all = await api.get('/v1/credits/top-ups');
    expect(all.status).toBe(200);
    expect(all.body.items.map((t: { id: string }) => t.id)).toEqual([...ids].reverse());
    expect(all.body.nextCursor).toBeNull();
    const first = await api.get('/v1/credits/top-ups?limit=2');
    expect(first.body.items.map((t: { id: string }) => t.id)).toEqual([ids[2], ids[1]]);
    const second = await api.get(`/v1/credits/top-ups?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((t: { id: string }) => t.id)).toEqual([ids[0]]);
    expect((await api.get('/v1/credits/top-ups?limit=0')).status).toBe(400);
    expect((await api.get('/v1/credits/top-ups?cursor=bogus')).status).toBe(400);
  });
});

describe('paying a top-up', () => {
  it('given a plus merchant who spent down to 0 and got 402 top_up, when buying pack_50 and paying on the local checkout page, then GET /v1/credits shows 50 purchased and generating works again', async () => {
    const { accountId, api } = await merchant('plus');
    await spend(accountId, 99);
    // The last credit goes on a real generation; the next one is refused and points at top-ups.
    expect((await api.post('/v1/generations', generation)).status).toBe(201);
    expect((await credits(api)).credits.available).toBe(0);
    const refusal = await api.post('/v1/generations', generation);
    expect(refusal.status).toBe(402);
    expect(refusal.body.error).toMatchObject({ code: 'INSUFFICIENT_CREDITS', action: 'top_up', required: 1, available: 0 });
    expect((await credits(api)).topUpAvailable).toBe(true);

    const t = await buy(api);
    // The checkout page needs no merchant token: it is what the billing system would show.
    const pageRes = await fetch(t.checkoutUrl);
    const html = await pageRes.text();
    expect(pageRes.status).toBe(200);
    expect(pageRes.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('pack_50');
    expect(html).toContain('4.99');
    expect(html).toMatch(/<button[^>]*type="submit"[^>]*>Pay/);
    expect(html).toMatch(/<button[^>]*>Cancel<\/button>/);

    const paid = await clickOnCheckout(t, 'pay');
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe('/?topup=done');

    const c = await credits(api);
    expect(c.credits).toEqual({ available: 50, allowance: 100, allowanceRemaining: 0, purchased: 50, grants: 0 });
    const list = (await api.get('/v1/credits/top-ups')).body.items;
    expect(list[0]).toMatchObject({ id: t.id, status: 'paid' });
    expect(list[0].paidAt).toBeTruthy();
    const entries = await topUpLedger(api);
    expect(entries).toEqual([expect.objectContaining({ type: 'top_up', amount: 50, bucket: 'purchased', topUpId: t.id })]);
    expect(await topUpNotifications(api)).toHaveLength(1);
    // The page now says it is paid and offers no Pay button.
    const after = await (await fetch(t.checkoutUrl)).text();
    expect(after).toContain('This top-up is paid');
    expect(after).not.toMatch(/>Pay /);
    // Purchased credits are spent once the allowance is gone.
    const next = await api.post('/v1/generations', generation);
    expect(next.status).toBe(201);
    expect((await credits(api)).credits).toMatchObject({ allowanceRemaining: 0, purchased: 49 });
  });

  it('given a paid top-up, when the same topup.paid arrives 3 more times (in sequence and at once), then still 50, one ledger entry, one notification', async () => {
    const { accountId, api } = await merchant('plus');
    const t = await buy(api);
    const event = await paidEvent(accountId, t.id);
    expect((await deliverAndSettle(ctx.stack, event)).status).toBe(202);
    expect((await deliverAndSettle(ctx.stack, event)).status).toBe(202);
    const rs = await Promise.all([deliver(ctx.stack, event), deliver(ctx.stack, event)]);
    expect(rs.map((r) => r.status)).toEqual([202, 202]);
    await ctx.stack.bus.drain();
    expect((await credits(api)).credits.purchased).toBe(50);
    expect(await topUpLedger(api)).toHaveLength(1);
    expect(await topUpNotifications(api)).toHaveLength(1);
  });

  it('given distinct topup.paid events for one top-up delivered concurrently (the billing system retrying with new ids), then credited once', async () => {
    const { accountId, api } = await merchant('pro');
    const t = await buy(api, 'pack_150');
    const events = await Promise.all(Array.from({ length: 6 }, () => paidEvent(accountId, t.id)));
    const rs = await Promise.all(events.map((e) => deliver(ctx.stack, e)));
    expect(rs.every((r) => r.status === 202)).toBe(true);
    await ctx.stack.bus.drain();
    expect((await credits(api)).credits.purchased).toBe(150);
    expect(await topUpLedger(api)).toHaveLength(1);
    expect(await topUpNotifications(api)).toHaveLength(1);
  });

  it('given a top-up cancelled on the checkout page (topup.failed), then it is failed and nothing is credited', async () => {
    const { api } = await merchant('plus');
    const t = await buy(api);
    const r = await clickOnCheckout(t, 'cancel');
    expect(r.status).toBe(303);
    expect((await api.get('/v1/credits/top-ups')).body.items[0]).toMatchObject({ id: t.id, status: 'failed' });
    expect((await credits(api)).credits.purchased).toBe(0);
    expect(await topUpLedger(api)).toHaveLength(0);
  });

  it('given an earlier topup.failed, when the payment is retried and topup.paid arrives, then credited once and paid', async () => {
    const { accountId, api } = await merchant('plus');
    const t = await buy(api);
    await deliverAndSettle(ctx.stack, await failedEvent(accountId, t.id));
    expect((await api.get('/v1/credits/top-ups')).body.items[0].status).toBe('failed');
    // The checkout page still offers Pay (a payment retried on the same checkout can succeed), not Cancel.
    const html = await (await fetch(t.checkoutUrl)).text();
    expect(html).toMatch(/>Pay /);
    expect(html).not.toMatch(/>Cancel</);
    expect((await clickOnCheckout(t, 'pay')).status).toBe(303);
    await deliverAndSettle(ctx.stack, await paidEvent(accountId, t.id));
    expect((await credits(api)).credits.purchased).toBe(50);
    expect((await api.get('/v1/credits/top-ups')).body.items[0].status).toBe('paid');
    expect(await topUpLedger(api)).toHaveLength(1);
  });

  it('given a paid top-up, when topup.failed arrives late, then it stays paid and keeps its credits', async () => {
    const { accountId, api } = await merchant('premium');
    const t = await buy(api);
    await deliverAndSettle(ctx.stack, await paidEvent(accountId, t.id));
    await deliverAndSettle(ctx.stack, await failedEvent(accountId, t.id));
    expect((await api.get('/v1/credits/top-ups')).body.items[0].status).toBe('paid');
    expect((await credits(api)).credits.purchased).toBe(50);
  });

  it('given topup.paid naming another account\'s top-up, then nothing changes for either account', async () => {
    const owner = await merchant('plus');
    const intruder = await merchant('plus');
    const t = await buy(owner.api);
    expect((await deliverAndSettle(ctx.stack, await paidEvent(intruder.accountId, t.id))).status).toBe(202);
    expect((await credits(intruder.api)).credits.purchased).toBe(0);
    expect((await credits(owner.api)).credits.purchased).toBe(0);
    expect((await owner.api.get('/v1/credits/top-ups')).body.items[0].status).toBe('pending');
    expect((await intruder.api.get('/v1/credits/top-ups')).body.items).toEqual([]);
    // And topup.failed naming it does not fail the owner's top-up either.
    await deliverAndSettle(ctx.stack, await failedEvent(intruder.accountId, t.id));
    expect((await owner.api.get('/v1/credits/top-ups')).body.items[0].status).toBe('pending');
  });

  it('given the checkout URL of one account\'s top-up with another account in it, when opened, paid or cancelled, then 404 each time and the top-up stays pending for its owner', async () => {
    const owner = await merchant('plus');
    const other = await merchant('plus');
    const t = await buy(owner.api);
    const forged = t.checkoutUrl.replace(`/${encodeURIComponent(owner.accountId)}/`, `/${encodeURIComponent(other.accountId)}/`);
    expect(forged).not.toBe(t.checkoutUrl);
    expect((await fetch(forged)).status).toBe(404);
    expect((await clickOnCheckout({ checkoutUrl: forged }, 'pay')).status).toBe(404);
    expect((await clickOnCheckout({ checkoutUrl: forged }, 'cancel')).status).toBe(404);
    expect((await owner.api.get('/v1/credits/top-ups')).body.items[0]).toMatchObject({ id: t.id, status: 'pending' });
    expect((await credits(owner.api)).credits.purchased).toBe(0);
    expect((await credits(other.api)).credits.purchased).toBe(0);
  });

  it('given checkout paths whose account or top-up could not be a key (too long, not an account id), when opened, then 404, not a server error', async () => {
    const { accountId } = await merchant('plus');
    for (const path of [`${'a'.repeat(3000)}/tu_x`, `${encodeURIComponent(accountId)}/${'t'.repeat(3000)}`, `${encodeURIComponent('a b')}/tu_x`]) {
      expect((await fetch(`${ctx.stack.url}/local/checkout/${path}`)).status, path.slice(0, 40)).toBe(404);
    }
  });

  it('given a top-up, when its checkout page is opened and paid, then the checkout reads it by its key: no Scan reaches the table', async () => {
    const { api } = await merchant('plus');
    const t = await buy(api);
    // The local checkout runs in this process (the functions run in workers), so this counter sees its requests.
    resetDynamoRequestCounts();
    expect((await fetch(t.checkoutUrl)).status).toBe(200);
    expect((await clickOnCheckout(t, 'pay')).status).toBe(303);
    expect(dynamoRequestCounts.Scan ?? 0).toBe(0);
    expect(dynamoRequestCounts.GetItem).toBeGreaterThanOrEqual(2);
    expect((await api.get('/v1/credits/top-ups')).body.items[0]).toMatchObject({ id: t.id, status: 'paid' });
  });

  it('given topup.paid for an unknown top-up, then 202 and nothing changes', async () => {
    const { accountId, api } = await merchant('plus');
    expect((await deliverAndSettle(ctx.stack, await paidEvent(accountId, 'tu_doesnotexist'))).status).toBe(202);
    expect((await credits(api)).credits.purchased).toBe(0);
    expect(await topUpLedger(api)).toHaveLength(0);
    const page = await fetch(`${ctx.stack.url}/local/checkout/${encodeURIComponent(accountId)}/tu_doesnotexist`);
    expect(page.status).toBe(404);
  });

  it('given the handler died after crediting but before marking the top-up paid, when topup.paid is retried, then it is marked paid without a second credit', async () => {
    const { accountId, api } = await merchant('plus');
    const t = await buy(api);
    // The first write of the handler, alone: the credit under the top-up's once-guard.
    const first = await creditPurchased(deps(), accountId, `topup:${t.id}`, 50, { topUpId: t.id, reason: 'Top-up pack_50 (50 credits)' });
    expect(first.credited).toBe(true);
    expect((await api.get('/v1/credits/top-ups')).body.items[0].status).toBe('pending');
    await deliverAndSettle(ctx.stack, await paidEvent(accountId, t.id));
    expect((await credits(api)).credits.purchased).toBe(50);
    expect((await api.get('/v1/credits/top-ups')).body.items[0].status).toBe('paid');
    expect(await topUpNotifications(api)).toHaveLength(1);
  });

  it('given 50 purchased credits, when the plan changes and the allowance is spent, then the 50 are kept and spent only after the allowance', async () => {
    const { accountId, api } = await merchant('plus');
    const t = await buy(api);
    await clickOnCheckout(t, 'pay');
    await call(`${ctx.stack.url}/local/accounts/${accountId}/plan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ plan: 'pro' }) });
    expect((await credits(api)).credits).toEqual({ available: 250, allowance: 200, allowanceRemaining: 200, purchased: 50, grants: 0 });
    await spend(accountId, 199);
    expect((await credits(api)).credits).toMatchObject({ allowanceRemaining: 1, purchased: 50 });
    await spend(accountId, 3);
    expect((await credits(api)).credits).toMatchObject({ allowanceRemaining: 0, purchased: 48 });
    await call(`${ctx.stack.url}/local/accounts/${accountId}/plan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ plan: 'free' }) });
    expect((await credits(api)).credits).toEqual({ available: 73, allowance: 25, allowanceRemaining: 25, purchased: 48, grants: 0 });
  });

  it('given a pack with validDays, when it is bought and paid, then its credits are a source expiring validDays after payment, spent before non-expiring purchased credits, and gone after with one expire entry naming the top-up', async () => {
    const pack = TOP_UP_PACKS.find((p) => p.validDays)!;
    const { accountId, api } = await merchant('plus');
    const plain = await buy(api, 'pack_50');
    await clickOnCheckout(plain, 'pay');
    const t = await buy(api, pack.id);
    expect(t).toMatchObject({ packId: pack.id, credits: pack.credits, validDays: pack.validDays });
    await clickOnCheckout(t, 'pay');
    const paid = (await api.get('/v1/credits/top-ups')).body.items.find((x: { id: string }) => x.id === t.id);
    expect(paid.status).toBe('paid');
    const expiresAt = new Date(Date.parse(paid.paidAt) + pack.validDays! * 86_400_000).toISOString();

    const view = (await api.get('/v1/credits')).body;
    expect(view.credits).toEqual({ available: 100 + 50 + pack.credits, allowance: 100, allowanceRemaining: 100, purchased: 50 + pack.credits, grants: 0 });
    expect(view.sources).toEqual([
      { bucket: 'allowance', remaining: 100, expiresAt: view.period.end },
      { bucket: 'purchased', id: t.id, remaining: pack.credits, expiresAt },
      { bucket: 'purchased', remaining: 50, expiresAt: null },
    ]);
    // Past the allowance, the expiring top-up goes first.
    await spend(accountId, 103);
    expect((await credits(api)).credits).toMatchObject({ allowanceRemaining: 0, purchased: 50 + pack.credits - 3 });
    expect((await api.get('/v1/credits')).body.sources[1]).toMatchObject({ id: t.id, remaining: pack.credits - 3 });

    // The service clock past the expiry (but not past the period end of a fresh allowance): the rest leaves once.
    const clock = await call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds: (Date.parse(expiresAt) - Date.now()) / 1000 + 60 }) });
    expect(clock.status).toBe(200);
    try {
      const later = await ctx.api(accountId);
      const after = (await later.get('/v1/credits')).body;
      expect(after.sources.some((x: { id?: string }) => x.id === t.id)).toBe(false);
      const items = (await later.get('/v1/credits/ledger?limit=100')).body.items as Array<{ type: string; amount: number; topUpId?: string }>;
      expect(items.filter((e) => e.type === 'expire')).toEqual([expect.objectContaining({ amount: -(pack.credits - 3), topUpId: t.id })]);
      expect(items.reduce((n, e) => n + e.amount, 0)).toBe(after.credits.available);
      expect(after.credits.purchased).toBe(50);
    } finally {
      await call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds: 0 }) });
    }
  });

  it('leaves nothing in the bus dead-letter list', () => {
    expect(ctx.stack.bus.deadLetters).toEqual([]);
  });
});
