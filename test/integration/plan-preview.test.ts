/**
 * GET /v1/credits/plan-preview?plan= as the Upgrade modal calls it: what a plan change applied now would
 * leave, changing nothing; checked against the same change delivered right after by the billing webhook.
 */
import { describe, expect, it } from 'vitest';
import { PLAN_IDS, PLANS, type PlanId } from '../../functions/config.ts';
import { billingEvent, deliverAndSettle, spend } from '../support/billing.ts';
import { freshAccount, useStack, type Api } from '../support/stack.ts';

const ctx = useStack();
let n = 0;
const key = () => ({ 'idempotency-key': `preview-${process.pid}-${++n}` });

async function changePlan(accountId: string, plan: PlanId): Promise<void> {
  const event = plan === 'free' ? await billingEvent(ctx.stack, 'subscription.canceled', { accountId }) : await billingEvent(ctx.stack, 'subscription.updated', { accountId, plan });
  expect((await deliverAndSettle(ctx.stack, event)).status).toBe(202);
}

/** A merchant with every kind of source: a spent-down allowance, a grant, an expiring grant and purchased credits. */
async function merchantWithSources(): Promise<{ id: string; api: Api }> {
  const id = freshAccount('preview');
  const api = await ctx.api(id);
  expect((await api.get('/v1/credits')).status).toBe(200);
  await changePlan(id, 'plus');
  const admin = await ctx.api(freshAccount('admin'), ['credits:admin']);
  expect((await admin.post(`/v1/admin/accounts/${id}/adjustments`, { amount: 30, reason: 'bought' }, key())).status).toBe(201);
  expect((await admin.post(`/v1/admin/accounts/${id}/grants`, { amount: 12, reason: 'sorry', category: 'compensation' }, key())).status).toBe(201);
  const expiresAt = new Date(Date.now() + 20 * 86_400_000).toISOString();
  expect((await admin.post(`/v1/admin/accounts/${id}/grants`, { amount: 5, reason: 'promo', category: 'promotional', expiresAt }, key())).status).toBe(201);
  await spend(id, 37);
  return { id, api };
}

describe('GET /v1/credits/plan-preview', () => {
  it('given a plus merchant with spent allowance, grants and purchased credits, when each plan is previewed, then after resets only the allowance, and nothing changes', async () => {
    const { api } = await merchantWithSources();
    const before = (await api.get('/v1/credits')).body;
    const ledgerBefore = (await api.get('/v1/credits/ledger?limit=100')).body.items;
    expect(before.credits).toEqual({ available: 63 + 30 + 17, allowance: 100, allowanceRemaining: 63, purchased: 30, grants: 17 });

    for (const plan of PLAN_IDS) {
      const r = await api.get(`/v1/credits/plan-preview?plan=${plan}`);
      expect(r.status, plan).toBe(200);
      const amount = PLANS[plan].monthlyAllowance;
      const after = plan === 'plus' ? before.credits : { available: amount + 30 + 17, allowance: amount, allowanceRemaining: amount, purchased: 30, grants: 17 };
      expect(r.body, plan).toEqual({ plan, current: before.credits, after, difference: after.available - before.credits.available, period: before.period });
    }
    expect((await api.get('/v1/credits')).body).toEqual(before);
    expect((await api.get('/v1/credits/ledger?limit=100')).body.items).toEqual(ledgerBefore);
  });

  it('given the current plan, then difference 0 and after equals current (a renewal changes nothing)', async () => {
    const id = freshAccount('preview');
    const api = await ctx.api(id);
    await spend((await api.get('/v1/credits')).body.accountId, 4);
    const r = await api.get('/v1/credits/plan-preview?plan=free');
    expect(r.status).toBe(200);
    expect(r.body.difference).toBe(0);
    expect(r.body.after).toEqual(r.body.current);
    expect(r.body.current.allowanceRemaining).toBe(21);
  });

  for (const target of ['free', 'premium'] as const) {
    it(`given a preview of ${target}, when the same change is delivered by the billing webhook right after, then GET /v1/credits shows exactly the preview's after`, async () => {
      const { id, api } = await merchantWithSources();
      const preview = (await api.get(`/v1/credits/plan-preview?plan=${target}`)).body;
      await changePlan(id, target);
      const applied = (await api.get('/v1/credits')).body;
      expect(applied.plan).toBe(target);
      expect(applied.credits).toEqual(preview.after);
      expect(applied.period).toEqual(preview.period);
      const ledger = (await api.get('/v1/credits/ledger?limit=100')).body.items as Array<{ amount: number }>;
      expect(ledger.reduce((s, e) => s + e.amount, 0)).toBe(preview.after.available);
    });
  }

  it('given an unknown, missing, repeated or empty plan, then 400 VALIDATION_FAILED naming plan; without a token 401', async () => {
    const api = await ctx.api(freshAccount('preview'));
    for (const q of ['?plan=gold', '', '?plan=', '?plan=PRO', '?plan=pro&plan=plus']) {
      const r = await api.get(`/v1/credits/plan-preview${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code, q).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(r.body.error.issues), q).toContain('plan');
    }
    const anonymous = await ctx.api();
    expect((await anonymous.get('/v1/credits/plan-preview?plan=pro')).status).toBe(401);
  });
});
