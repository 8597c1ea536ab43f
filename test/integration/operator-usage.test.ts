/**
 * GET /v1/admin/usage as an operator's report calls it: generations, failures, credits, tokens and the
 * model cost per feature and plan, top-ups sold and their revenue, subscribers and the margin. The stack of
 * this file is its own (fresh dynalite), so every figure is exactly what the file's merchants did.
 */
import { describe, expect, it } from 'vitest';
import { modelCostUsd, PLANS, TOP_UP_PACKS } from '../../functions/config.ts';
import { useFakeConverse } from '../support/fake-converse.ts';
import { deps } from '../../lib/local/deps.ts';
import { call, freshAccount, useStack, type Api } from '../support/stack.ts';

const converse = useFakeConverse();
const ctx = useStack({ env: { AI_PROVIDER: 'bedrock', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', MODEL_TIME_BUDGET_MS: '1500' } });

const body = (productId: string) => ({ feature: 'product_description', productId, input: { name: 'Cast Iron Skillet', features: ['pre-seasoned'] } });
const today = () => new Date().toISOString().slice(0, 10);

async function payTopUp(api: Api, packId: string): Promise<void> {
  const t = await api.post('/v1/credits/top-ups', { packId });
  expect(t.status).toBe(201);
  const res = await fetch(`${t.body.checkoutUrl}/pay`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', redirect: 'manual' });
  await res.text();
  await ctx.stack.bus.drain();
  expect((await api.get('/v1/credits/top-ups')).body.items[0].status).toBe('paid');
}

describe('GET /v1/admin/usage', () => {
  it('given generations that succeeded and failed on two plans and a paid top-up, then per feature and per plan the figures are exactly those, the cost is the priced token use, and margin = revenue − cost', async () => {
    const plus = await ctx.paid('plus', 'ops');
    const free = { api: await ctx.api(freshAccount('ops')) };

    const costs: number[] = [];
    const tokens = { input: 0, output: 0 };
    for (const [api, productId] of [[plus.api, 'p1'], [plus.api, 'p2'], [free.api, 'p3']] as const) {
      const r = await api.post('/v1/generations', body(productId));
      expect(r.status).toBe(201);
      costs.push(modelCostUsd(r.body.model.id, r.body.model.usage, r.body.model.calls)!);
      tokens.input += r.body.model.usage.inputTokens;
      tokens.output += r.body.model.usage.outputTokens;
    }
    converse.fake.script({ kind: 'throttle' }, { kind: 'throttle' }, { kind: 'throttle' });
    expect((await plus.api.post('/v1/generations', body('p4'))).status).toBe(502);
    const pack = TOP_UP_PACKS[0]!;
    await payTopUp(plus.api, pack.id);

    const admin = await ctx.api(freshAccount('admin'), ['credits:admin']);
    const r = await admin.get('/v1/admin/usage');
    expect(r.status).toBe(200);
    expect(r.body.from).toBe(`${today().slice(0, 7)}-01`);
    expect(r.body.to).toBe(today());

    const cost = costs.reduce((a, b) => a + b, 0);
    expect(costs.every((c) => c > 0)).toBe(true);
    const description = r.body.features.find((f: { feature: string }) => f.feature === 'product_description');
    expect(description).toMatchObject({ generations: 3, failures: 1, creditsCharged: 4, creditsRefunded: 1, inputTokens: tokens.input, outputTokens: tokens.output });
    expect(description.modelCostUsd).toBeCloseTo(cost, 6);
    expect(r.body.features.find((f: { feature: string }) => f.feature === 'seo_meta')).toMatchObject({ generations: 0, failures: 0, modelCostUsd: 0 });

    const byPlan = Object.fromEntries(r.body.plans.map((p: { plan: string }) => [p.plan, p]));
    expect(byPlan.plus).toMatchObject({ generations: 2, failures: 1, creditsCharged: 3, creditsRefunded: 1, subscribers: 1, topUps: { count: 1, credits: pack.credits, revenueUsd: Number(pack.price.amount) } });
    expect(byPlan.free).toMatchObject({ generations: 1, failures: 0, subscribers: 1, subscriptionRevenueUsd: 0, topUps: { count: 0, credits: 0, revenueUsd: 0 } });
    const days = (Date.parse(r.body.to) - Date.parse(r.body.from)) / 86_400_000 + 1;
    expect(byPlan.plus.subscriptionRevenueUsd).toBeCloseTo(Number(PLANS.plus.monthlyPrice.amount) * (days / (365.25 / 12)), 2);
    expect(byPlan.plus.marginUsd).toBeCloseTo(byPlan.plus.subscriptionRevenueUsd + byPlan.plus.topUps.revenueUsd - byPlan.plus.modelCostUsd, 2);
    expect(r.body.totals).toMatchObject({ generations: 3, failures: 1, creditsCharged: 4, creditsRefunded: 1, subscribers: 2 });
    expect(r.body.totals.modelCostUsd).toBeCloseTo(cost, 6);

    // A range that ends before today holds none of it.
    const before = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const earlier = (await admin.get(`/v1/admin/usage?from=${before}&to=${before}`)).body;
    expect(earlier.totals).toMatchObject({ generations: 0, failures: 0, creditsCharged: 0, modelCostUsd: 0 });
  });

  it('given a merchant token, then 403 FORBIDDEN; given bad ranges, then 400 VALIDATION_FAILED naming the parameter', async () => {
    const merchant = await ctx.api(freshAccount('ops'));
    const forbidden = await merchant.get('/v1/admin/usage');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    const admin = await ctx.api(freshAccount('admin'), ['credits:admin']);
    for (const [q, param] of [
      ['?from=2026-12-10&to=2026-12-01', 'to'],
      ['?from=2025-01-01&to=2026-12-01', 'from'],
      ['?from=2026-12-01T00:00:00Z', 'from'],
      ['?to=2026-02-30', 'to'],
    ] as const) {
      const r = await admin.get(`/v1/admin/usage${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code, q).toBe('VALIDATION_FAILED');
      expect(r.body.error.issues.map((i: { path: string }) => i.path), q).toContain(`query.${param}`);
    }
  });

  it('given generations two days ago, when the hourly job has run, then that day is read from its rollup, with the same figures as live', async () => {
    const setClock = (offsetSeconds: number) => call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });
    const admin = await ctx.api(freshAccount('admin'), ['credits:admin']);
    const day = new Date().toISOString().slice(0, 10);
    const before = (await admin.get(`/v1/admin/usage?from=${day}&to=${day}`)).body.totals;
    const { api } = await ctx.paid('pro', 'ops');
    expect((await api.post('/v1/generations', body('p9'))).status).toBe(201);
    const live = (await admin.get(`/v1/admin/usage?from=${day}&to=${day}`)).body;
    expect(live.totals.generations).toBe(before.generations + 1);
    try {
      expect((await setClock(2 * 86_400 + 60)).status).toBe(200);
      const r = await call(`${ctx.stack.url}/local/schedules/monthly-refresh`, { method: 'POST' });
      expect(r.status).toBe(200);
      const rolled = await deps().usage.rollups(day, day);
      expect(Object.keys(rolled)).toEqual([day]);
      const later = await ctx.api(freshAccount('admin'), ['credits:admin']);
      const fromRollup = (await later.get(`/v1/admin/usage?from=${day}&to=${day}`)).body;
      expect(fromRollup.features).toEqual(live.features);
      expect(fromRollup.totals).toMatchObject({ generations: live.totals.generations, failures: live.totals.failures, creditsCharged: live.totals.creditsCharged, modelCostUsd: live.totals.modelCostUsd });
      // And the answer is the rollup's, not a live read that happens to agree: a changed rollup shows.
      const counters = rolled[day]!;
      const generationKey = Object.keys(counters).find((k) => k.startsWith('g|'))!;
      await deps().usage.putRollup(day, { ...counters, [generationKey]: counters[generationKey]! + 100 });
      expect((await later.get(`/v1/admin/usage?from=${day}&to=${day}`)).body.totals.generations).toBe(live.totals.generations + 100);
    } finally {
      await setClock(0);
    }
  });
});
