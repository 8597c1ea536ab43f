/**
 * Grants, expiring top-ups, the burn-down order and expiry, against dynalite through the credits core
 * (the HTTP routes are in grants-http.test.ts). Every test ends with the ledger check: contiguous, each
 * entry once, summing to the balance, each listed charge's sources summing to its amount.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../functions/config.ts';
import { charge, creditPurchased, ensureAccount, grantCredits, refund, releaseCharge } from '../../functions/core/credits.ts';
import { balanceView } from '../../functions/core/credits-view.ts';
import { Conflict, InsufficientCredits } from '../../functions/core/errors.ts';
import { availableOf } from '../../functions/core/ports.ts';
import { refreshDueAccounts } from '../../functions/core/refresh-job.ts';
import { useCore } from '../support/core.ts';
import { at, grantAccount, meta } from '../support/grants.ts';

const core = useCore();
const setup = (plan: 'free' | 'plus' = 'plus') => grantAccount(core, 'grant', plan);

describe('grants and the burn-down order (dynalite)', () => {
  it('given allowance, an expiring grant, a non-expiring grant and purchased credits, when one charge needs all four, then it takes them in burn-down order in one entry listing each, and its refund gives each back', async () => {
    const { deps, id, ledger } = await setup();
    await creditPurchased(deps, id, 'op_a', 5, { topUpId: 'tu_a', reason: 'pack' });
    const later = await grantCredits(deps, id, { amount: 3, reason: 'sorry', category: 'compensation' });
    const soon = await grantCredits(deps, id, { amount: 2, reason: 'promo', category: 'promotional', expiresAt: at(30) });
    let account = (await deps.store.getAccount(id))!;
    ({ account } = await charge(deps, account, 98, meta('pre')));
    expect(account.allowanceRemaining).toBe(2);

    const { account: after, split } = await charge(deps, account, 8, meta('span', true));
    expect(split).toMatchObject({ allowance: 2, purchased: 1, sources: [{ id: soon.grant.id, amount: 2 }, { id: later.grant.id, amount: 3 }] });
    expect(availableOf(after)).toBe(4);
    const { ledger: entries } = await ledger();
    const spanning = entries.find((e) => e.generationId === 'gen_span')!;
    expect(spanning).toMatchObject({ type: 'charge', amount: -8, bucket: 'allowance' });
    expect(spanning.sources).toEqual([
      { bucket: 'allowance', amount: -2 },
      { bucket: 'grant', id: soon.grant.id, amount: -2 },
      { bucket: 'grant', id: later.grant.id, amount: -3 },
      { bucket: 'purchased', amount: -1 },
    ]);

    const back = await refund(deps, id, split, { ...meta('span'), reason: 'model failed' });
    expect(balanceView(back, deps.clock.now().toISOString()).credits).toEqual({ available: 12, allowance: 100, allowanceRemaining: 2, purchased: 5, grants: 5 });
    const { ledger: final } = await ledger();
    expect(final[0]).toMatchObject({ type: 'refund', amount: 8, sources: [{ bucket: 'allowance', amount: 2 }, { bucket: 'grant', id: soon.grant.id, amount: 2 }, { bucket: 'grant', id: later.grant.id, amount: 3 }, { bucket: 'purchased', amount: 1 }] });
  });

  it('given sources expiring at the same instant and others never, when the allowance is spent, then promotional goes before compensation before purchased, and non-expiring grants before purchased credits', async () => {
    const { deps, id, ledger } = await setup('free');
    await creditPurchased(deps, id, 'op_p', 1, { topUpId: 'tu_p', reason: 'pack' }, 10); // expires at(10)
    await creditPurchased(deps, id, 'op_q', 1, { topUpId: 'tu_q', reason: 'pack' }); // never
    const comp = await grantCredits(deps, id, { amount: 1, reason: 'r', category: 'compensation', expiresAt: at(10) });
    const promo = await grantCredits(deps, id, { amount: 1, reason: 'r', category: 'promotional', expiresAt: at(10) });
    const forever = await grantCredits(deps, id, { amount: 1, reason: 'r', category: 'promotional' });
    const earlier = await grantCredits(deps, id, { amount: 1, reason: 'r', category: 'compensation', expiresAt: at(5) });
    const view = balanceView((await deps.store.getAccount(id))!, deps.clock.now().toISOString());
    expect(view.sources.map((s) => s.id ?? s.bucket)).toEqual(['allowance', earlier.grant.id, promo.grant.id, comp.grant.id, 'tu_p', forever.grant.id, 'purchased']);
    let account = (await deps.store.getAccount(id))!;
    ({ account } = await charge(deps, account, 25, meta('allowance')));
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await charge(deps, account, 1, meta(i));
      account = r.account;
      order.push(r.split.sources?.[0]?.id ?? (r.split.purchased ? 'purchased' : 'allowance'));
    }
    expect(order).toEqual([earlier.grant.id, promo.grant.id, comp.grant.id, 'tu_p', forever.grant.id, 'purchased']);
    await expect(charge(deps, account, 1, meta('none'))).rejects.toBeInstanceOf(InsufficientCredits);
    await ledger();
  });

  it('given a grant expiring at T, then it can be charged 1 ms before T and never at T, and its remainder leaves with exactly one expire entry however many requests see it', async () => {
    const { deps, clock, id, ledger } = await setup('free');
    const g = await grantCredits(deps, id, { amount: 5, reason: 'promo', category: 'promotional', expiresAt: at(1) });
    let account = (await deps.store.getAccount(id))!;
    ({ account } = await charge(deps, account, 25, meta('a')));
    clock.set(at(1, -1));
    ({ account } = await charge(deps, account, 2, meta('b')));
    expect(account.sources.find((s) => s.id === g.grant.id)?.remaining).toBe(3);
    clock.set(at(1));
    await expect(charge(deps, account, 1, meta('c'))).rejects.toMatchObject({ required: 1, available: 0 });
    const seen = await Promise.all(Array.from({ length: 10 }, () => ensureAccount(deps, id)));
    expect(seen.every((a) => availableOf(a) === 0 && a.sources.length === 0)).toBe(true);
    const { ledger: entries } = await ledger();
    const expires = entries.filter((e) => e.type === 'expire');
    expect(expires).toEqual([expect.objectContaining({ amount: -3, bucket: 'grant', grantId: g.grant.id })]);
  });

  it('given a grant about to expire, when 20 charges race its expiry instant, then nothing is charged from it after T, nothing is lost and it expires once', async () => {
    const { deps, clock, id, ledger } = await setup('free');
    await grantCredits(deps, id, { amount: 30, reason: 'promo', category: 'promotional', expiresAt: at(1) });
    let account = (await deps.store.getAccount(id))!;
    ({ account } = await charge(deps, account, 25, { ...meta('a'), hold: false }));
    clock.set(at(1, -5));
    // The instant passes mid-burst: after the fifth write lands, every decision is made at T.
    let landed = 0;
    const store = Object.create(deps.store) as typeof deps.store;
    store.apply = async (...args) => {
      const r = await deps.store.apply(...args);
      if (++landed === 5) clock.set(at(1));
      return r;
    };
    const racing = { ...deps, store };
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => charge(racing, account, 1, { ...meta(`r${i}`), hold: false })));
    await ensureAccount(deps, id);
    const { account: end, ledger: entries } = await ledger();
    const charges = entries.filter((e) => e.type === 'charge' && e.generationId !== 'gen_a');
    const expired = entries.filter((e) => e.type === 'expire');
    expect(charges.length).toBeGreaterThan(0);
    expect(expired).toHaveLength(1);
    expect(charges.length + -expired[0].amount).toBe(30);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(charges.length);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof InsufficientCredits)).toBe(true);
    for (const e of charges) expect(e.at < at(1)).toBe(true);
    expect(availableOf(end)).toBe(0);
  });

  it('given a charge from a grant that expired before its refund, then the refund entry lists that part as 0 and says why, and the balance gains nothing', async () => {
    const { deps, clock, id, ledger } = await setup('free');
    await grantCredits(deps, id, { amount: 4, reason: 'promo', category: 'promotional', expiresAt: at(1) });
    let account = (await deps.store.getAccount(id))!;
    ({ account } = await charge(deps, account, 25, meta('a')));
    const { split } = await charge(deps, account, 3, meta('b', true));
    clock.set(at(2));
    await refund(deps, id, split, { ...meta('b'), reason: 'model failed' });
    expect(availableOf(await ensureAccount(deps, id))).toBe(0);
    const { ledger: entries } = await ledger();
    expect(entries.find((e) => e.type === 'refund')).toMatchObject({ amount: 0, reason: expect.stringMatching(/3 credits not returned: the grant or top-up they came from expired/) });
  });

  it(`given ${LIMITS.maxActiveGrants} grants in use, then one more is refused with LIMIT_REACHED; 25 concurrent grants on a fresh account make exactly ${LIMITS.maxActiveGrants}; a used-up grant frees its place`, async () => {
    const { deps, id, ledger } = await setup('free');
    const results = await Promise.allSettled(Array.from({ length: 25 }, (_, i) => grantCredits(deps, id, { amount: 1, reason: `g${i}`, category: 'promotional' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(LIMITS.maxActiveGrants);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.every((r) => r.reason instanceof Conflict && r.reason.code === 'LIMIT_REACHED')).toBe(true);
    let account = (await deps.store.getAccount(id))!;
    // A held charge uses up one grant; once its generation is stored (released), nothing can give that grant credits back.
    ({ account } = await charge(deps, account, 26, meta('use-one', true)));
    await releaseCharge(deps, id, 'gen_use-one');
    const extra = await grantCredits(deps, id, { amount: 1, reason: 'one more', category: 'compensation' });
    expect(extra.account.sources.filter((s) => s.bucket === 'grant')).toHaveLength(LIMITS.maxActiveGrants);
    await ledger();
  });

  it('given a top-up pack with validDays, then its credits expire that many days after payment, with an expire entry naming the top-up', async () => {
    const { deps, clock, id, ledger } = await setup();
    await creditPurchased(deps, id, 'op_v', 50, { topUpId: 'tu_v', reason: 'pack' }, 30);
    let account = await ensureAccount(deps, id);
    expect(balanceView(account, clock.now().toISOString()).credits).toMatchObject({ purchased: 50, grants: 0, available: 150 });
    clock.set(at(30));
    account = await ensureAccount(deps, id);
    expect(availableOf(account)).toBe(100);
    const { ledger: entries } = await ledger();
    expect(entries.filter((e) => e.type === 'expire')).toEqual([expect.objectContaining({ amount: -50, bucket: 'purchased', topUpId: 'tu_v' })]);
  });

  it('given a grant that expires in 10 days, when the scheduled job runs 3 days later (7 days before expiry) and again, then one credits_expiring notice is written; at expiry the job expires it without any request', async () => {
    const { deps, clock, id, ledger } = await setup('free');
    await grantCredits(deps, id, { amount: 7, reason: 'promo', category: 'promotional', expiresAt: at(10) });
    clock.set(at(2));
    await refreshDueAccounts(deps);
    expect((await deps.notifications.list(id, 50)).items.filter((n) => n.type === 'credits_expiring')).toHaveLength(0);
    clock.set(at(3));
    const runs = await Promise.all([refreshDueAccounts(deps), refreshDueAccounts(deps)]);
    expect(runs.some((r) => r.sourcesSettled > 0)).toBe(true);
    await refreshDueAccounts(deps);
    const notes = (await deps.notifications.list(id, 50)).items.filter((n) => n.type === 'credits_expiring');
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toMatch(/7 AI credits .* expire on 2026-06-11/);
    clock.set(at(10));
    await refreshDueAccounts(deps);
    const account = (await deps.store.getAccount(id))!;
    expect(account.sources).toEqual([]);
    const { ledger: entries } = await ledger();
    expect(entries.filter((e) => e.type === 'expire')).toHaveLength(1);
  });
});
