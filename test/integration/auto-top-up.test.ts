/**
 * Auto top-up end to end on the local stack: the setting's route, the auto top-up a charge requests
 * (one under concurrency), the billing system's answers through the signed webhook (the local billing
 * simulator's pay / fail routes), the failure streak, the monthly limit and a downgrade.
 */
import { describe, expect, it } from 'vitest';
import { autoTopUpAfterCharge } from '../../functions/core/auto-top-up.ts';
import { deps } from '../../lib/local/deps.ts';
import { spend } from '../support/billing.ts';
import { call, freshAccount, useStack, type Api } from '../support/stack.ts';

// Only the balance and the auto top-up rules are in play: the rate limit is raised.
const ctx = useStack({ env: { RATE_LIMIT_MAX_ATTEMPTS: '100000' } });

const AUTO = '/v1/credits/auto-top-up';
const generation = { feature: 'product_description', productId: 'prod_auto', input: { name: 'Linen Apron', category: 'Kitchen' } };

interface Listed {
  id: string;
  packId: string;
  credits: number;
  status: string;
  trigger: string;
  checkoutUrl?: string;
}

async function plan(accountId: string, to: string) {
  const r = await call(`${ctx.stack.url}/local/accounts/${accountId}/plan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ plan: to }) });
  expect(r.status).toBe(200);
}

/** A merchant on plus (100 credits) with auto top-up of pack_50 below `thresholdCredits`. */
async function merchant(setting: { thresholdCredits?: number; monthlyLimit?: number } = {}) {
  const accountId = freshAccount('auto');
  const api = await ctx.api(accountId);
  await api.get('/v1/credits');
  await plan(accountId, 'plus');
  const r = await api.put(AUTO, { enabled: true, packId: 'pack_50', thresholdCredits: 100, monthlyLimit: 10, ...setting });
  expect(r.status).toBe(200);
  return { accountId, api };
}

const autoTopUps = async (api: Api): Promise<Listed[]> => ((await api.get('/v1/credits/top-ups?limit=100')).body.items as Listed[]).filter((t) => t.trigger === 'auto');
const available = async (api: Api): Promise<number> => (await api.get('/v1/credits')).body.credits.available;
const notes = async (api: Api, type: string) => ((await api.get('/v1/notifications')).body.items as Array<{ type: string }>).filter((n) => n.type === type);

async function generate(api: Api) {
  const r = await api.post('/v1/generations', generation);
  expect(r.status).toBe(201);
}

/** The billing system's answer for a top-up it charged itself: the simulator sends the signed webhook. */
async function answer(accountId: string, topUpId: string, outcome: 'pay' | 'fail') {
  const r = await call(`${ctx.stack.url}/local/top-ups/${accountId}/${topUpId}/${outcome}`, { method: 'POST' });
  expect(r.status).toBe(200);
  expect(r.body.webhook.status).toBe(202);
  return r.body.topUp as Listed;
}

describe('the setting: PUT and GET /v1/credits/auto-top-up', () => {
  it('given a paid account, then GET answers enabled false, PUT stores the setting and GET answers it; enabled false keeps the rest', async () => {
    const accountId = freshAccount('auto');
    const api = await ctx.api(accountId);
    await api.get('/v1/credits');
    await plan(accountId, 'pro');
    const fresh = await api.get(AUTO);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ enabled: false, pending: null, countThisMonth: 0, consecutiveFailures: 0, lastAttempts: [], disabledReason: null });
    expect(fresh.body.packId).toBeUndefined();

    const put = await api.put(AUTO, { enabled: true, packId: 'pack_150', thresholdCredits: 25, monthlyLimit: 4 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ enabled: true, packId: 'pack_150', thresholdCredits: 25, monthlyLimit: 4, pending: null });
    expect((await api.get(AUTO)).body).toEqual(put.body);

    const off = await api.put(AUTO, { enabled: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, packId: 'pack_150', thresholdCredits: 25, monthlyLimit: 4, disabledReason: null });
  });

  it('given bad bodies, then each is a 400 naming the field and the setting is unchanged', async () => {
    const { api } = await merchant({ thresholdCredits: 30, monthlyLimit: 2 });
    const before = (await api.get(AUTO)).body;
    const good = { enabled: true, packId: 'pack_50', thresholdCredits: 10, monthlyLimit: 3 };
    const bad: Array<[unknown, string]> = [
      [{ ...good, packId: 'pack_0' }, 'packId'],
      [{ ...good, thresholdCredits: 0 }, 'thresholdCredits'],
      [{ ...good, thresholdCredits: 10_001 }, 'thresholdCredits'],
      [{ ...good, thresholdCredits: 2.5 }, 'thresholdCredits'],
      [{ ...good, monthlyLimit: 0 }, 'monthlyLimit'],
      [{ ...good, monthlyLimit: 11 }, 'monthlyLimit'],
      [{ ...good, enabled: 'yes' }, 'enabled'],
      [{ enabled: true, packId: 'pack_50', monthlyLimit: 3 }, 'thresholdCredits'],
      [{ enabled: true, thresholdCredits: 5, monthlyLimit: 3 }, 'packId'],
      [{ ...good, extra: 1 }, ''],
      ['{', '(body)'],
    ];
    for (const [body, field] of bad) {
      const r = await api.put(AUTO, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      if (field) expect(r.body.error.issues.map((i: { path: string }) => i.path).join(' '), JSON.stringify(body)).toContain(field);
    }
    expect((await api.get(AUTO)).body).toEqual(before);
    // The edge values are accepted.
    expect((await api.put(AUTO, { ...good, thresholdCredits: 10_000, monthlyLimit: 10 })).status).toBe(200);
    expect((await api.put(AUTO, { ...good, thresholdCredits: 1, monthlyLimit: 1 })).status).toBe(200);
  });

  it('given a free account, then PUT is 403 PLAN_UPGRADE_REQUIRED (after 400 for a bad body), nothing is stored, and GET still answers', async () => {
    const api = await ctx.api(freshAccount('free'));
    const r = await api.put(AUTO, { enabled: true, packId: 'pack_50', thresholdCredits: 10, monthlyLimit: 3 });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'PLAN_UPGRADE_REQUIRED', action: 'upgrade' });
    expect((await api.put(AUTO, { enabled: true, packId: 'pack_0', thresholdCredits: 10, monthlyLimit: 3 })).status).toBe(400);
    expect((await api.get(AUTO)).body).toMatchObject({ enabled: false });
  });
});

describe('auto top-ups requested by charges', () => {
  it('given 20 concurrent generations that each leave available below the threshold, then exactly one auto top-up is created, pending, listed with trigger auto and no checkout', async () => {
    const { api } = await merchant({ thresholdCredits: 100 });
    const results = await Promise.all(Array.from({ length: 20 }, () => api.post('/v1/generations', generation)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const autos = await autoTopUps(api);
    expect(autos).toHaveLength(1);
    expect(autos[0]).toMatchObject({ packId: 'pack_50', credits: 50, status: 'pending', trigger: 'auto' });
    expect(autos[0].checkoutUrl).toBeUndefined();
    const state = (await api.get(AUTO)).body;
    expect(state).toMatchObject({ enabled: true, pending: { topUpId: autos[0].id, packId: 'pack_50' }, countThisMonth: 1 });
    expect(state.lastAttempts.map((t: Listed) => t.id)).toEqual([autos[0].id]);
    // Nothing is credited before the billing system answers.
    expect(await available(api)).toBe(80);
  });

  it('given a pending auto top-up, when it is paid, then the pack is credited, the marker and streak clear, and a later dip below the threshold creates another', async () => {
    const { accountId, api } = await merchant({ thresholdCredits: 100 });
    await generate(api);
    const [first] = await autoTopUps(api);
    expect(await answer(accountId, first.id, 'pay')).toMatchObject({ status: 'paid' });
    expect(await available(api)).toBe(149);
    expect((await api.get(AUTO)).body).toMatchObject({ pending: null, consecutiveFailures: 0, countThisMonth: 1 });
    expect(await notes(api, 'top_up_completed')).toHaveLength(1);

    // Above the threshold: a charge requests nothing.
    await generate(api);
    expect(await autoTopUps(api)).toHaveLength(1);
    // Back down to the threshold, then the next charge dips below it.
    await spend(accountId, 48);
    expect(await available(api)).toBe(100);
    await generate(api);
    const autos = await autoTopUps(api);
    expect(autos).toHaveLength(2);
    expect(autos[0]).toMatchObject({ status: 'pending' });
    expect(autos[0].id).not.toBe(first.id);
    expect((await api.get(AUTO)).body).toMatchObject({ pending: { topUpId: autos[0].id }, countThisMonth: 2 });
  });

  it('given three auto top-ups failed in a row, then the setting is turned off with one auto_top_up_disabled notification, and charges request no more', async () => {
    const { accountId, api } = await merchant({ thresholdCredits: 100 });
    for (let i = 1; i <= 3; i++) {
      await generate(api);
      const autos = await autoTopUps(api);
      expect(autos).toHaveLength(i);
      expect(await answer(accountId, autos[0].id, 'fail')).toMatchObject({ status: 'failed' });
      const state = (await api.get(AUTO)).body;
      expect(state).toMatchObject({ consecutiveFailures: i, pending: null, enabled: i < 3 });
    }
    const [last] = await autoTopUps(api);
    expect((await api.get(AUTO)).body).toMatchObject({ enabled: false, disabledReason: 'failures', consecutiveFailures: 3 });
    // The same answer again (a redelivery) changes nothing and writes no second notice.
    await answer(accountId, last.id, 'fail');
    expect(await notes(api, 'auto_top_up_disabled')).toHaveLength(1);
    await generate(api);
    expect(await autoTopUps(api)).toHaveLength(3);
    // Turning it on again starts a new streak.
    const on = await api.put(AUTO, { enabled: true, packId: 'pack_50', thresholdCredits: 100, monthlyLimit: 10 });
    expect(on.body).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
  });

  it('given a monthly limit of 2, when a third dip comes in the month, then none is created and auto_top_up_limit_reached is written once', async () => {
    const { accountId, api } = await merchant({ thresholdCredits: 100, monthlyLimit: 2 });
    for (let i = 1; i <= 2; i++) {
      await generate(api);
      const autos = await autoTopUps(api);
      expect(autos).toHaveLength(i);
      await answer(accountId, autos[0].id, 'fail');
    }
    await Promise.all(Array.from({ length: 5 }, () => generate(api)));
    await generate(api);
    expect(await autoTopUps(api)).toHaveLength(2);
    expect(await notes(api, 'auto_top_up_limit_reached')).toHaveLength(1);
    expect((await api.get(AUTO)).body).toMatchObject({ enabled: true, countThisMonth: 2, pending: null });
  });

  it('given auto top-up turned off by the merchant, then a dip below the threshold creates none', async () => {
    const { api } = await merchant({ thresholdCredits: 100 });
    expect((await api.put(AUTO, { enabled: false })).status).toBe(200);
    await generate(api);
    await generate(api);
    expect(await autoTopUps(api)).toHaveLength(0);
    expect((await api.get(AUTO)).body).toMatchObject({ enabled: false, countThisMonth: 0, pending: null });
  });

  it('given a downgrade to free, then auto top-up is off (disabledReason downgrade) and stays off after upgrading again', async () => {
    const { accountId, api } = await merchant({ thresholdCredits: 100 });
    await plan(accountId, 'free');
    expect((await api.get(AUTO)).body).toMatchObject({ enabled: false, disabledReason: 'downgrade', packId: 'pack_50' });
    await generate(api);
    await plan(accountId, 'plus');
    await generate(api);
    expect(await autoTopUps(api)).toHaveLength(0);
    expect((await api.get(AUTO)).body).toMatchObject({ enabled: false, disabledReason: 'downgrade' });
  });

  it('given a process that died after the marker write and before the top-up item, then GET repairs the item and topup.paid credits it', async () => {
    const { accountId, api } = await merchant({ thresholdCredits: 100 });
    await spend(accountId, 1);
    const d = deps();
    const account = (await d.store.getAccount(accountId))!;
    const topUps = d.topUps;
    const dying = { store: d.store, notifications: d.notifications, clock: d.clock, topUps: { ...topUps, getTopUp: topUps.getTopUp.bind(topUps), createTopUp: () => Promise.reject(new Error('process died')) } };
    await expect(autoTopUpAfterCharge(dying, account)).rejects.toThrow('process died');
    expect(await autoTopUps(api)).toHaveLength(0);
    const state = (await api.get(AUTO)).body;
    expect(state.pending).not.toBeNull();
    expect(state.lastAttempts).toHaveLength(1);
    expect(await autoTopUps(api)).toHaveLength(1);
    await answer(accountId, state.pending.topUpId, 'pay');
    expect(await available(api)).toBe(149);
    expect((await api.get(AUTO)).body.pending).toBeNull();
  });
});
