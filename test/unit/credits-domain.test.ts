import { describe, expect, it } from 'vitest';
import { applyPlan, charge, creditPurchased, ensureAccount, refund, releaseCharge } from '../../functions/core/credits.ts';
import { noticeAlerts } from '../../functions/core/alerts.ts';
import { InsufficientCredits } from '../../functions/core/errors.ts';
import { addMonthsClamped, anchorFor, periodContaining } from '../../functions/core/period.ts';
import { availableOf } from '../../functions/core/ports.ts';
import { rateView } from '../../functions/core/rate-limit.ts';
import { manualClock, MemoryCreditStore } from '../support/memory-store.ts';

function setup(start?: string) {
  const store = new MemoryCreditStore();
  const clock = manualClock(start);
  return { deps: { store, notifications: store, clock }, store, clock };
}

const meta = { feature: 'product_description' as const, generationId: 'gen_1' };

describe('billing periods', () => {
  it('given an anchor on the 31st, then each boundary keeps the day where the month allows and clamps to the month end otherwise', () => {
    const anchor = new Date('2026-01-31T00:00:00.000Z');
    expect([1, 2, 3, 13].map((m) => addMonthsClamped(anchor, m).toISOString().slice(0, 10))).toEqual(['2026-02-28', '2026-03-31', '2026-04-30', '2027-02-28']);
    expect(addMonthsClamped(new Date('2027-12-31T00:00:00.000Z'), 2).toISOString().slice(0, 10)).toBe('2028-02-29');
  });

  it('given now months after the anchor, then the period containing now is found, boundaries included', () => {
    const anchor = anchorFor(new Date('2026-01-31T15:30:00.000Z'));
    expect(anchor.toISOString()).toBe('2026-01-31T00:00:00.000Z');
    const p = periodContaining(anchor, new Date('2026-03-15T00:00:00.000Z'));
    expect([p.start.toISOString(), p.end.toISOString()]).toEqual(['2026-02-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z']);
    const atBoundary = periodContaining(anchor, new Date('2026-03-31T00:00:00.000Z'));
    expect(atBoundary.start.toISOString()).toBe('2026-03-31T00:00:00.000Z');
  });
});

describe('credits use cases with an in-memory store', () => {
  it('given a new account, then it gets the free 25 and a period of one month', async () => {
    const { deps } = setup('2026-01-31T10:00:00.000Z');
    const a = await ensureAccount(deps, 'a');
    expect([a.plan, availableOf(a), a.periodStart, a.periodEnd]).toEqual(['free', 25, '2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z']);
  });

  it('given a charge larger than the allowance left, then it takes the rest of the allowance and the remainder from purchased', async () => {
    const { deps } = setup();
    await ensureAccount(deps, 'a');
    await creditPurchased(deps, 'a', 'op', 10, {});
    let a = (await deps.store.getAccount('a'))!;
    ({ account: a } = await charge(deps, a, 24, meta));
    const r = await charge(deps, a, 3, meta);
    expect(r.split).toEqual({ allowance: 1, purchased: 2, epoch: 0 });
    expect(availableOf(r.account)).toBe(8);
  });

  it('given a stale view that still shows allowance, when the allowance is gone, then the charge decides again and takes purchased credits', async () => {
    const { deps } = setup();
    await ensureAccount(deps, 'a');
    await creditPurchased(deps, 'a', 'op', 5, {});
    const stale = (await deps.store.getAccount('a'))!;
    await charge(deps, stale, 25, meta);
    const r = await charge(deps, stale, 1, meta);
    expect(r.split).toEqual({ allowance: 0, purchased: 1, epoch: 0 });
  });

  it('given too few credits, then InsufficientCredits with action upgrade on free and top_up on paid, and nothing is written', async () => {
    const { deps, store } = setup();
    const a = await ensureAccount(deps, 'a');
    const writes = store.writes;
    await expect(charge(deps, a, 26, meta)).rejects.toMatchObject({ action: 'upgrade', required: 26, available: 25 });
    expect(store.writes).toBe(writes);
    await applyPlan(deps, 'a', 'plus', '2026-01-31T10:00:01.000Z');
    const paid = (await deps.store.getAccount('a'))!;
    const err = await charge(deps, paid, 101, meta).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientCredits);
    expect((err as InsufficientCredits).action).toBe('top_up');
  });

  it('given the period has ended, when the account is next seen, then the allowance is reset once with one refresh entry however many months were missed, and purchased is kept', async () => {
    const { deps, clock } = setup('2026-01-31T10:00:00.000Z');
    let a = await ensureAccount(deps, 'a');
    await creditPurchased(deps, 'a', 'op', 7, {});
    ({ account: a } = await charge(deps, (await deps.store.getAccount('a'))!, 20, meta));
    clock.set('2026-05-02T00:00:00.000Z');
    a = await ensureAccount(deps, 'a');
    expect([a.allowanceRemaining, a.purchased, a.periodStart, a.periodEnd]).toEqual([25, 7, '2026-04-30T00:00:00.000Z', '2026-05-31T00:00:00.000Z']);
    const ledger = (await deps.store.ledgerPage('a', 100)).items;
    expect(ledger.filter((e) => e.type === 'refresh')).toHaveLength(1);
    expect(ledger.reduce((s, e) => s + e.amount, 0)).toBe(availableOf(a));
    expect((await deps.notifications.list('a', 10)).items.map((n) => n.type)).toContain('credits_refreshed');
  });

  it('given plan changes up and down, then the allowance is reset (not added), purchased kept, the period unmoved, and a late older event ignored', async () => {
    const { deps } = setup();
    const first = await ensureAccount(deps, 'a');
    await creditPurchased(deps, 'a', 'op', 50, {});
    await applyPlan(deps, 'a', 'premium', '2026-01-31T10:00:02.000Z');
    await charge(deps, (await deps.store.getAccount('a'))!, 150, meta);
    await applyPlan(deps, 'a', 'plus', '2026-01-31T10:00:03.000Z');
    expect((await applyPlan(deps, 'a', 'pro', '2026-01-31T10:00:01.000Z')).applied).toBe(false);
    const a = (await deps.store.getAccount('a'))!;
    expect([a.plan, a.allowance, a.allowanceRemaining, a.purchased, a.periodEnd]).toEqual(['plus', 100, 100, 50, first.periodEnd]);
    const resets = (await deps.store.ledgerPage('a', 100)).items.filter((e) => e.type === 'reset').map((e) => e.amount);
    expect(resets).toEqual([100 - 250, 400 - 25]);
  });

  it('given a refund, then exactly the charged split goes back with refund entries', async () => {
    const { deps } = setup();
    await ensureAccount(deps, 'a');
    await creditPurchased(deps, 'a', 'op', 4, {});
    const { account, split } = await charge(deps, (await deps.store.getAccount('a'))!, 27, meta);
    expect(availableOf(account)).toBe(2);
    const back = await refund(deps, 'a', split, { ...meta, reason: 'model timeout' });
    expect([back.allowanceRemaining, back.purchased]).toEqual([25, 4]);
  });

  it('given available credits below 20% of the allowance, then low_balance is noticed once per threshold per period', async () => {
    const { deps } = setup();
    await ensureAccount(deps, 'a');
    const { account } = await charge(deps, (await deps.store.getAccount('a'))!, 21, meta);
    await Promise.all([noticeAlerts(deps, account), noticeAlerts(deps, account)]);
    await noticeAlerts(deps, (await deps.store.getAccount('a'))!);
    const low = (await deps.notifications.list('a', 10)).items.filter((n) => n.type === 'low_balance');
    expect(low.map((n) => n.threshold).sort()).toEqual([0.2, 0.5]);
  });
});

describe('held charges (a generation still running)', () => {
  const held = { feature: 'product_description' as const, generationId: 'gen_h', hold: true };

  it('given a held charge whose process died, when the account is read after the hold timeout, then it is refunded once, to the buckets it came from', async () => {
    const { deps, clock } = setup('2026-01-10T10:00:00.000Z');
    await ensureAccount(deps, 'a');
    await creditPurchased(deps, 'a', 'op', 2, {});
    await charge(deps, (await deps.store.getAccount('a'))!, 24, meta);
    await charge(deps, (await deps.store.getAccount('a'))!, 3, held);
    clock.advance(60);
    expect(availableOf(await ensureAccount(deps, 'a'))).toBe(0);
    clock.advance(61);
    const [a, b] = await Promise.all([ensureAccount(deps, 'a'), ensureAccount(deps, 'a')]);
    expect([a, b].map(availableOf)).toContain(3);
    const after = (await deps.store.getAccount('a'))!;
    expect([after.allowanceRemaining, after.purchased, after.holds]).toEqual([1, 2, []]);
    const refunds = (await deps.store.ledgerPage('a', 100)).items.filter((e) => e.type === 'refund');
    expect(refunds.map((e) => [e.amount, e.sources, e.reason])).toEqual([[3, [{ bucket: 'allowance', amount: 1 }, { bucket: 'purchased', amount: 2 }], 'generation did not finish']]);
  });

  it('given a late refund racing the sweeper, then the credits come back once', async () => {
    const { deps, clock } = setup();
    await ensureAccount(deps, 'a');
    const { split } = await charge(deps, (await deps.store.getAccount('a'))!, 1, held);
    clock.advance(121);
    await Promise.all([ensureAccount(deps, 'a'), refund(deps, 'a', split, { ...held, reason: 'model timeout' })]);
    expect(availableOf((await deps.store.getAccount('a'))!)).toBe(25);
    expect((await deps.store.ledgerPage('a', 100)).items.filter((e) => e.type === 'refund')).toHaveLength(1);
  });

  it('given a released hold, then the charge stands however late the account is read', async () => {
    const { deps, clock } = setup();
    await ensureAccount(deps, 'a');
    await charge(deps, (await deps.store.getAccount('a'))!, 1, held);
    expect(await releaseCharge(deps, 'a', 'gen_h')).toBe(true);
    clock.advance(3600);
    expect(availableOf(await ensureAccount(deps, 'a'))).toBe(24);
    expect(await releaseCharge(deps, 'a', 'gen_h')).toBe(false);
  });
});

describe('rate-limit view', () => {
  const cfg = { maxAttempts: 10, windowSeconds: 3600, cooldownSeconds: 900 };
  const now = new Date('2026-01-01T12:00:00.000Z');

  it('given no state or an expired window, then the full limit is shown with nothing to reset', () => {
    expect(rateView(null, cfg, now)).toEqual({ limit: 10, windowSeconds: 3600, remaining: 10, windowResetAt: null, cooldownUntil: null, resetSeconds: 0 });
    const expired = { windowStart: '2026-01-01T10:00:00.000Z', windowEnd: '2026-01-01T11:00:00.000Z', count: 10 };
    expect(rateView(expired, cfg, now).remaining).toBe(10);
  });

  it('given an open window or a running cooldown (whatever TTL deletion did), then remaining and reset follow the stored times', () => {
    const open = { windowStart: '2026-01-01T11:30:00.000Z', windowEnd: '2026-01-01T12:30:00.000Z', count: 4 };
    expect(rateView(open, cfg, now)).toMatchObject({ remaining: 6, windowResetAt: open.windowEnd, resetSeconds: 1800 });
    const cooling = { ...open, count: 10, cooldownUntil: '2026-01-01T12:10:00.000Z' };
    expect(rateView(cooling, cfg, now)).toMatchObject({ remaining: 0, cooldownUntil: cooling.cooldownUntil, resetSeconds: 600 });
  });
});
