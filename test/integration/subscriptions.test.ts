/**
 * Plan changes driven by signed billing webhooks, through the bus to the billing-events handler, over
 * real HTTP against dynalite: resets (not additions), purchased credits kept, once per event id, and
 * late older events ignored.
 */
import { describe, expect, it } from 'vitest';
import { deps } from '../../lib/local/deps.ts';
import { billingEvent, deliver, deliverAndSettle, serviceNow, spend } from '../support/billing.ts';
import { call, freshAccount, useStack, type Api } from '../support/stack.ts';

const ctx = useStack();

async function credits(api: Api) {
  const r = await api.get('/v1/credits');
  expect(r.status).toBe(200);
  return r.body as { plan: string; credits: { available: number; allowance: number; allowanceRemaining: number; purchased: number }; period: { start: string; end: string } };
}

async function ledger(api: Api) {
  const r = await api.get('/v1/credits/ledger?limit=100');
  expect(r.status).toBe(200);
  return r.body.items as Array<{ type: string; amount: number; bucket: string; balanceAfter: number; reason?: string }>;
}

async function grantPurchased(accountId: string, amount: number) {
  const admin = await ctx.api('ops', ['credits:admin']);
  const r = await admin.post(`/v1/admin/accounts/${accountId}/adjustments`, { amount, reason: 'goodwill' });
  expect(r.status).toBe(201);
}

const changePlan = async (accountId: string, plan: string) =>
  deliverAndSettle(
    ctx.stack,
    plan === 'free' ? await billingEvent(ctx.stack, 'subscription.canceled', { accountId }) : await billingEvent(ctx.stack, 'subscription.updated', { accountId, plan }),
  );

describe('plan changes from subscription webhooks', () => {
  it('given a merchant who spends some credits each time, when the plan moves free → plus → pro → premium → free, then the allowance is reset to 100, 200, 400, 25 and purchased credits are kept', async () => {
    const accountId = freshAccount();
    const api = await ctx.api(accountId);
    expect((await credits(api)).credits).toMatchObject({ allowance: 25, allowanceRemaining: 25, purchased: 0 });
    await grantPurchased(accountId, 30);
    const periodBefore = (await credits(api)).period;

    await spend(accountId, 5);
    for (const [plan, amount] of [['plus', 100], ['pro', 200], ['premium', 400], ['free', 25]] as const) {
      expect((await changePlan(accountId, plan)).status).toBe(202);
      const c = await credits(api);
      expect(c.plan).toBe(plan);
      expect(c.credits).toEqual({ available: amount + 30, allowance: amount, allowanceRemaining: amount, purchased: 30, grants: 0 });
      expect(c.period, 'a plan change does not move the period').toEqual(periodBefore);
      await spend(accountId, 7);
    }

    const items = await ledger(api);
    expect(items.filter((e) => e.type === 'reset').map((e) => e.amount)).toEqual([25 - 393, 400 - 193, 200 - 93, 100 - 20]);
    expect(items.filter((e) => e.type === 'reset').every((e) => e.bucket === 'allowance')).toBe(true);
    const c = await credits(api);
    expect(items.reduce((s, e) => s + e.amount, 0), 'the ledger sums to the balance').toBe(c.credits.available);

    const notes = await api.get('/v1/notifications');
    expect(notes.body.items.filter((n: { type: string }) => n.type === 'credits_reset')).toHaveLength(4);
  });

  it('given subscription.canceled (with or without a plan in the payload), then the account is on free', async () => {
    const accountId = freshAccount();
    const api = await ctx.api(accountId);
    await changePlan(accountId, 'pro');
    const r = await deliverAndSettle(ctx.stack, await billingEvent(ctx.stack, 'subscription.canceled', { accountId, plan: 'pro' }));
    expect(r.status).toBe(202);
    expect((await credits(api)).plan).toBe('free');
    expect((await credits(api)).credits.allowance).toBe(25);
  });

  it('given the same event delivered twice (after spending in between), then it applies once: no second reset', async () => {
    const accountId = freshAccount();
    const api = await ctx.api(accountId);
    const event = await billingEvent(ctx.stack, 'subscription.updated', { accountId, plan: 'plus' });
    expect((await deliverAndSettle(ctx.stack, event)).status).toBe(202);
    await spend(accountId, 10);
    expect((await deliverAndSettle(ctx.stack, event)).status, 'a duplicate delivery is also answered 202').toBe(202);
    expect((await credits(api)).credits.allowanceRemaining).toBe(90);
    expect((await ledger(api)).filter((e) => e.type === 'reset')).toHaveLength(1);
  });

  it('given the same event delivered five times at once, then it applies once', async () => {
    const accountId = freshAccount();
    const api = await ctx.api(accountId);
    await credits(api);
    const event = await billingEvent(ctx.stack, 'subscription.updated', { accountId, plan: 'pro' });
    const rs = await Promise.all(Array.from({ length: 5 }, () => deliver(ctx.stack, event)));
    expect(rs.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    await ctx.stack.bus.drain();
    expect((await ledger(api)).filter((e) => e.type === 'reset')).toHaveLength(1);
    expect((await credits(api)).credits.allowance).toBe(200);
  });

  it('given a newer plan change was applied, when an older event arrives late, then it changes nothing', async () => {
    const accountId = freshAccount();
    const api = await ctx.api(accountId);
    const now = await serviceNow(ctx.stack);
    const older = await billingEvent(ctx.stack, 'subscription.updated', { accountId, plan: 'premium' }, new Date(now.getTime() - 60_000));
    const newer = await billingEvent(ctx.stack, 'subscription.updated', { accountId, plan: 'plus' }, now);
    await deliverAndSettle(ctx.stack, newer);
    await spend(accountId, 3);
    expect((await deliverAndSettle(ctx.stack, older)).status).toBe(202);
    const c = await credits(api);
    expect(c.plan).toBe('plus');
    expect(c.credits.allowanceRemaining).toBe(97);
    expect((await ledger(api)).filter((e) => e.type === 'reset')).toHaveLength(1);
  });

  it('given createdAt with another offset or precision, then order is by instant, not by string', async () => {
    const accountId = freshAccount();
    const api = await ctx.api(accountId);
    const now = await serviceNow(ctx.stack);
    const later = new Date(Math.floor(now.getTime() / 1000) * 1000 + 5000);
    // 2 h ahead of UTC, no milliseconds: compares as a later string than the UTC form, but is an earlier instant.
    const earlierLocal = new Date(later.getTime() - 1000);
    const shifted = new Date(earlierLocal.getTime() + 2 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+02:00');
    await deliverAndSettle(ctx.stack, { id: `evt_a_${accountId}`, type: 'subscription.updated', createdAt: later.toISOString(), data: { accountId, plan: 'pro' } });
    await deliverAndSettle(ctx.stack, { id: `evt_b_${accountId}`, type: 'subscription.updated', createdAt: shifted, data: { accountId, plan: 'plus' } });
    expect((await credits(api)).plan).toBe('pro');
  });

  it('given a different event id with a newer createdAt, then it applies (dedupe is per event id)', async () => {
    const accountId = freshAccount();
    const api = await ctx.api(accountId);
    await changePlan(accountId, 'plus');
    await spend(accountId, 4);
    await changePlan(accountId, 'pro');
    await spend(accountId, 4);
    await changePlan(accountId, 'plus');
    expect((await credits(api)).credits.allowanceRemaining).toBe(100);
    expect((await ledger(api)).filter((e) => e.type === 'reset')).toHaveLength(3);
  });

  it('given subscription.updated naming the plan the account is already on (a renewal, a card change), then nothing is reset, and an older event arriving after it is still ignored', async () => {
    const accountId = freshAccount();
    const api = await ctx.api(accountId);
    const now = await serviceNow(ctx.stack);
    await deliverAndSettle(ctx.stack, await billingEvent(ctx.stack, 'subscription.updated', { accountId, plan: 'plus' }, new Date(now.getTime() - 120_000)));
    await spend(accountId, 30);
    const older = await billingEvent(ctx.stack, 'subscription.updated', { accountId, plan: 'premium' }, new Date(now.getTime() - 60_000));
    const samePlan = await billingEvent(ctx.stack, 'subscription.updated', { accountId, plan: 'plus' }, now);
    expect((await deliverAndSettle(ctx.stack, samePlan)).status).toBe(202);
    expect((await credits(api)).credits).toMatchObject({ allowance: 100, allowanceRemaining: 70 });
    await deliverAndSettle(ctx.stack, older);
    const c = await credits(api);
    expect(c.plan).toBe('plus');
    expect(c.credits.allowanceRemaining).toBe(70);
    expect((await ledger(api)).filter((e) => e.type === 'reset')).toHaveLength(1);
  });

  it('given a subscription event was applied, then a dedupe record with a TTL of at least 7 days is kept', async () => {
    const accountId = freshAccount();
    const event = await billingEvent(ctx.stack, 'subscription.updated', { accountId, plan: 'pro' });
    await deliverAndSettle(ctx.stack, event);
    const now = await serviceNow(ctx.stack);
    expect(await deps().processedEvents.wasProcessed(accountId, event.id, now)).toBe(true);
    expect(await deps().processedEvents.wasProcessed(accountId, event.id, new Date(now.getTime() + 6.9 * 86400_000))).toBe(true);
    expect(await deps().processedEvents.wasProcessed(accountId, event.id, new Date(now.getTime() + 7.1 * 86400_000))).toBe(false);
  });

  it('given account.created after the merchant was provisioned lazily, then nothing changes (one grant of 25)', async () => {
    const accountId = freshAccount();
    const api = await ctx.api(accountId);
    await credits(api);
    await spend(accountId, 2);
    await deliverAndSettle(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId }));
    await deliverAndSettle(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId }));
    expect((await credits(api)).credits.available).toBe(23);
    expect((await ledger(api)).filter((e) => e.type === 'grant')).toHaveLength(1);
  });

  it('given a plan change for an account never seen, then it is provisioned and on the new plan', async () => {
    const accountId = freshAccount();
    await changePlan(accountId, 'premium');
    const c = await credits(await ctx.api(accountId));
    expect(c.plan).toBe('premium');
    expect(c.credits.allowanceRemaining).toBe(400);
  });

  it('given POST /local/accounts/{id}/plan, then a signed webhook moves the plan (what the page\'s dev bar uses)', async () => {
    const accountId = freshAccount();
    const api = await ctx.api(accountId);
    const r = await call(`${ctx.stack.url}/local/accounts/${accountId}/plan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ plan: 'pro' }),
    });
    expect(r.status).toBe(200);
    expect(r.body.webhook).toMatchObject({ status: 202, event: { type: 'subscription.updated', data: { accountId, plan: 'pro' } } });
    expect((await credits(api)).plan).toBe('pro');
    const back = await call(`${ctx.stack.url}/local/accounts/${accountId}/plan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ plan: 'free' }) });
    expect(back.body.webhook.event.type).toBe('subscription.canceled');
    expect((await credits(api)).plan).toBe('free');
    const bad = await call(`${ctx.stack.url}/local/accounts/${accountId}/plan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ plan: 'gold' }) });
    expect(bad.status).toBe(400);
  });

  it('leaves nothing in the bus dead-letter list', () => {
    expect(ctx.stack.bus.deadLetters).toEqual([]);
  });
});
