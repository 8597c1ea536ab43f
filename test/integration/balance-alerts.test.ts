/**
 * Balance alerts over the local stack (dynalite, real HTTP, the functions' bundles): each threshold's
 * `low_balance` and `credits_depleted` exactly once under concurrent generations, `credits_recovered` once
 * per dip after a grant, a top-up or a reset, and a new period (refresh) re-arming them. Each alert is seen
 * twice: as the merchant's notification and as the outbound event a webhook endpoint of the platform
 * received (the writers relay their outbox to the outbound queue; what a relay has not sent yet is still
 * in the outbox). Events are counted by id: delivery is at least once, and a receiver dedupes on the id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../functions/core/credits.ts';
import { OUTBOUND_EVENT_TYPES, type OutboundEvent } from '../../functions/core/outbound.ts';
import { ADMIN_SCOPE } from '../../lib/wiring.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';
import { deps } from '../../lib/local/deps.ts';
import { billingEvent, deliverAndSettle } from '../support/billing.ts';
import { apiFor, freshAccount, useStack, type Api } from '../support/stack.ts';

const ctx = useStack({ env: { RATE_LIMIT_MAX_ATTEMPTS: '1000' } });
const body = { feature: 'product_description', productId: 'prod_alerts', input: { name: 'Linen Apron' } };
const ALERT_TYPES = ['low_balance', 'credits_depleted', 'credits_recovered'];

async function alertNotes(api: Api): Promise<Array<{ type: string; threshold?: number; message: string }>> {
  const items = (await api.get('/v1/notifications?limit=100')).body.items as Array<{ type: string; threshold?: number; message: string }>;
  return items.filter((n) => ALERT_TYPES.includes(n.type)).reverse();
}
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver([200]);
  const admin = apiFor(ctx.stack, await ctx.stack.token(freshAccount('admin'), [ADMIN_SCOPE]));
  expect((await admin.post('/v1/admin/webhook-endpoints', { url: receiver.url, events: OUTBOUND_EVENT_TYPES })).status).toBe(201);
});
afterAll(async () => receiver?.close());

/** The account's events: delivered to the endpoint, then those still waiting in its outbox; once each by id. */
async function outbox(id: string): Promise<OutboundEvent[]> {
  await ctx.stack.queues.idle('outbound');
  const delivered = receiver.events().filter((e) => e.data.accountId === id);
  const waiting = (await deps().store.getAccount(id))!.outbox;
  const byId = new Map<string, OutboundEvent>();
  for (const e of [...delivered, ...waiting]) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}
const alertEvents = async (id: string) => (await outbox(id)).filter((e) => e.type.startsWith('credits.') && ['credits.low_balance', 'credits.depleted', 'credits.recovered'].includes(e.type));
const summary = (events: OutboundEvent[]) => events.map((e) => `${e.type}${e.data.threshold === undefined ? '' : `@${e.data.threshold}`}`);

async function generateAll(api: Api, n: number): Promise<number[]> {
  return (await Promise.all(Array.from({ length: n }, () => api.post('/v1/generations', body)))).map((r) => r.status);
}

describe('balance alerts', () => {
  it('given a free account (25 credits), when 25 generations run at once, then low_balance at 50% and at 20% and credits_depleted each exactly once, as notifications and as outbound events', async () => {
    const id = freshAccount('alerts');
    const api = await ctx.api(id);
    expect((await generateAll(api, 25)).every((s) => s === 201)).toBe(true);
    expect((await api.get('/v1/credits')).body.credits.available).toBe(0);
    // The alerts are written after each generation's answer was decided: wait for the writers to finish.
    await expect.poll(async () => (await alertNotes(api)).length).toBe(3);
    const notes = await alertNotes(api);
    expect(notes.map((n) => `${n.type}${n.threshold === undefined ? '' : `@${n.threshold}`}`).sort()).toEqual(['credits_depleted', 'low_balance@0.2', 'low_balance@0.5']);
    expect(notes.find((n) => n.type === 'credits_depleted')!.message).toMatch(/Upgrade/);
    expect(summary(await alertEvents(id)).sort()).toEqual(['credits.depleted', 'credits.low_balance@0.2', 'credits.low_balance@0.5']);
    const events = await outbox(id);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e) => /^evt_/.test(e.id) && e.data.accountId === id)).toBe(true);
    // More refused attempts change nothing.
    expect((await api.post('/v1/generations', body)).status).toBe(402);
    expect(await alertNotes(api)).toHaveLength(3);
  });

  it('given a drained account, when an admin grants credits above the lowest threshold crossed, then credits_recovered once; a second grant changes nothing', async () => {
    const id = freshAccount('alerts');
    const api = await ctx.api(id);
    await generateAll(api, 25);
    await expect.poll(async () => (await alertNotes(api)).length).toBe(3);
    const admin = await ctx.api(freshAccount('admin'), ['credits:admin']);
    // 4 of 25 is still under 20% (5): no recovery yet.
    expect((await admin.post(`/v1/admin/accounts/${id}/grants`, { amount: 4, reason: 'sorry', category: 'compensation' })).status).toBe(201);
    expect((await alertNotes(api)).map((n) => n.type)).not.toContain('credits_recovered');
    expect((await admin.post(`/v1/admin/accounts/${id}/grants`, { amount: 1, reason: 'sorry again', category: 'compensation' })).status).toBe(201);
    expect((await alertNotes(api)).filter((n) => n.type === 'credits_recovered')).toMatchObject([{ threshold: 0.2 }]);
    expect((await admin.post(`/v1/admin/accounts/${id}/grants`, { amount: 20, reason: 'more', category: 'promotional' })).status).toBe(201);
    expect((await alertNotes(api)).filter((n) => n.type === 'credits_recovered')).toHaveLength(1);
    expect(summary(await alertEvents(id)).filter((t) => t.startsWith('credits.recovered'))).toEqual(['credits.recovered@0.2']);
  });

  it('given a paid account under 50% (one dip), when a top-up is paid, then credits_recovered once with the top-up; dipping again and topping up recovers again', async () => {
    const { id, api } = await ctx.paid('plus', 'alerts');
    // plus: 100 credits; 51 charged leaves 49, under 50%.
    expect((await generateAll(api, 51)).every((s) => s === 201)).toBe(true);
    await expect.poll(async () => summary(await alertEvents(id))).toEqual(['credits.low_balance@0.5']);
    const pay = async () => {
      const topUp = (await api.post('/v1/credits/top-ups', { packId: 'pack_50' })).body;
      await deliverAndSettle(ctx.stack, await billingEvent(ctx.stack, 'topup.paid', { accountId: id, topUpId: topUp.id }));
    };
    await pay();
    expect(summary(await alertEvents(id))).toEqual(['credits.low_balance@0.5', 'credits.recovered@0.5']);
    expect((await outbox(id)).some((e) => e.type === 'topup.completed')).toBe(true);
    // 99 available; 50 more charged leaves 49: a second dip (no second low_balance this period), then a second recovery.
    expect((await generateAll(api, 50)).every((s) => s === 201)).toBe(true);
    await expect.poll(async () => (await deps().store.getAccount(id))!.alerts?.dip).toBe(0.5);
    await pay();
    expect(summary(await alertEvents(id))).toEqual(['credits.low_balance@0.5', 'credits.recovered@0.5', 'credits.recovered@0.5']);
    expect((await alertNotes(api)).map((n) => n.type)).toEqual(['low_balance', 'credits_recovered', 'credits_recovered']);
  });

  it('given a drained account, when its plan changes (a reset), then credits_recovered rides on the reset with credits.reset, and the new alert period fires low_balance again', async () => {
    const id = freshAccount('alerts');
    const api = await ctx.api(id);
    await generateAll(api, 25);
    await expect.poll(async () => (await alertNotes(api)).length).toBe(3);
    await applyPlan(deps(), id, 'plus', new Date().toISOString());
    const events = await outbox(id);
    // Recorded by the reset's own write: the same instant (their delivery order is the endpoint's to sort out).
    const reset = events.find((e) => e.type === 'credits.reset')!;
    expect(reset).toBeDefined();
    expect(events.filter((e) => e.createdAt === reset.createdAt && e.type === 'credits.recovered')).toMatchObject([{ data: { threshold: 0.2, available: 100 } }]);
    expect((await alertNotes(api)).filter((n) => n.type === 'credits_recovered')).toHaveLength(1);
    // The reset began a new alert period: 51 of the new 100 charged, the 50% alert fires again.
    expect((await generateAll(api, 51)).every((s) => s === 201)).toBe(true);
    await expect.poll(async () => summary(await alertEvents(id)).filter((t) => t === 'credits.low_balance@0.5')).toHaveLength(2);
  });

  it('given a drained account, when the period ends and the next request refreshes it, then credits.refreshed and credits_recovered are recorded and the next dip alerts again', async () => {
    const id = freshAccount('alerts');
    const before = await ctx.api(id);
    await generateAll(before, 25);
    await expect.poll(async () => (await alertNotes(before)).length).toBe(3);
    const account = (await deps().store.getAccount(id))!;
    const offset = Math.ceil((Date.parse(account.periodEnd) - Date.now()) / 1000) + 60;
    await fetch(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds: offset }) });
    try {
      // A token issued on the moved clock (the first one has expired there).
      const api = await ctx.api(id);
      expect((await api.get('/v1/credits')).body.credits.available).toBe(25);
      // The refresh's own write records both, at one instant, after everything before it.
      const events = await outbox(id);
      const last = events.at(-1)!.createdAt;
      expect(events.filter((e) => e.createdAt === last).map((e) => e.type).sort()).toEqual(['credits.recovered', 'credits.refreshed']);
      expect((await alertNotes(api)).filter((n) => n.type === 'credits_recovered')).toMatchObject([{ threshold: 0.2, message: 'Your AI credits are back to 25.' }]);
      expect((await generateAll(api, 25)).every((s) => s === 201)).toBe(true);
      await expect.poll(async () => summary(await alertEvents(id)).filter((t) => t === 'credits.depleted')).toHaveLength(2);
      expect(summary(await alertEvents(id)).filter((t) => t.startsWith('credits.low_balance'))).toHaveLength(4);
    } finally {
      await fetch(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds: 0 }) });
    }
  });
});
