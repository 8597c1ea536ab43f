/**
 * Attacks on the money safety of grants and expiring top-ups (sources on the balance item), against
 * dynalite through the credits core: races at the expiry instant, refunds across expiry, drops, plan
 * changes and refreshes, the 20-grant cap, a process dying between a write and its notice, and what the
 * balance item keeps. Each test ends with the ledger check (contiguous, summing to the balance) and the
 * item's own invariants: `sourced` is the sum of the sources, no source above what it was created with,
 * no bucket negative, `allowanceRemaining <= allowance`.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../functions/config.ts';
import { applyPlan, charge, creditPurchased, ensureAccount, grantCredits, refund, releaseCharge, settleSources } from '../../functions/core/credits.ts';
import { Conflict } from '../../functions/core/errors.ts';
import { availableOf, type AccountState, type NotificationStore } from '../../functions/core/ports.ts';
import { refreshDueAccounts } from '../../functions/core/refresh-job.ts';
import { useCore } from '../support/core.ts';
import { expectLedgerMatches } from '../support/ledger.ts';
import { manualClock } from '../support/memory-store.ts';
import { freshAccount } from '../support/stack.ts';

const core = useCore();
const T0 = '2026-06-01T10:00:00.000Z';
const at = (days: number, ms = 0) => new Date(Date.parse(T0) + days * 86400_000 + ms).toISOString();
const meta = (n: number | string, hold = false) => ({ feature: 'product_description' as const, generationId: `gen_${n}`, hold });

async function setup(plan: 'free' | 'plus' = 'free') {
  const clock = manualClock(T0);
  const deps = { ...core.deps, clock };
  const id = freshAccount('attack');
  await ensureAccount(deps, id);
  if (plan !== 'free') await applyPlan(deps, id, plan, clock.now().toISOString());
  const read = async () => (await deps.store.getAccount(id))!;
  return { deps, clock, id, read };
}

/** The ledger check plus what the balance item itself must satisfy. */
async function expectSound(id: string) {
  const { account, ledger } = await expectLedgerMatches(core.deps.store, id);
  expect(account.sourced).toBe(account.sources.reduce((n, s) => n + s.remaining, 0));
  for (const s of account.sources) {
    expect(s.remaining).toBeGreaterThanOrEqual(0);
    expect(s.remaining).toBeLessThanOrEqual(s.amount);
  }
  expect(account.allowanceRemaining).toBeGreaterThanOrEqual(0);
  expect(account.allowanceRemaining).toBeLessThanOrEqual(account.allowance);
  expect(account.purchased).toBeGreaterThanOrEqual(0);
  return { account, ledger };
}

/** The balance item as DynamoDB stores it. */
async function rawItem(id: string): Promise<Record<string, unknown>> {
  const r = await core.deps.dynamo.doc.send(new GetCommand({ TableName: core.deps.env.TABLE_NAME, Key: { pk: `ACCT#${id}`, sk: 'BALANCE' }, ConsistentRead: true }));
  return r.Item!;
}

describe('attacks on grants and expiring sources (dynalite)', () => {
  it(`given ${LIMITS.maxActiveGrants} grants in use and a held charge that used one up, when a grant is made meanwhile and the charge is then refunded, then no more than ${LIMITS.maxActiveGrants} grants ever hold credits`, async () => {
    const { deps, id, read } = await setup();
    for (let i = 0; i < LIMITS.maxActiveGrants; i++) await grantCredits(deps, id, { amount: 1, reason: `g${i}`, category: 'promotional' });
    let account = await read();
    ({ account } = await charge(deps, account, 25, meta('allowance')));
    // The generation is running: its hold names the grant it emptied, which may get its credit back.
    const { split } = await charge(deps, account, 1, meta('running', true));
    expect(split.sources).toHaveLength(1);
    const extra = await grantCredits(deps, id, { amount: 1, reason: 'one more', category: 'compensation' }).catch((err: unknown) => err);
    // The generation fails: its credit goes back to the grant it came from.
    await refund(deps, id, split, { ...meta('running'), reason: 'model failed' });
    const end = await read();
    expect({ extra: extra instanceof Conflict ? extra.code : 'granted', inUse: end.sources.filter((s) => s.bucket === 'grant' && s.remaining > 0).length }).toEqual({
      extra: 'LIMIT_REACHED',
      inUse: LIMITS.maxActiveGrants,
    });
    await expectSound(id);
  });

  it('given a held charge from an expiring top-up that expired before the refund, then the refund entry lists that part under purchased (the top-up), not under grant', async () => {
    const { deps, clock, id, read } = await setup();
    await creditPurchased(deps, id, 'op_tu', 5, { topUpId: 'tu_attack', reason: 'pack' }, 10);
    let account = await read();
    ({ account } = await charge(deps, account, 25, meta('allowance')));
    const { split } = await charge(deps, account, 3, meta('held', true));
    expect(split.sources).toEqual([{ id: 'tu_attack', amount: 3 }]);
    clock.set(at(11));
    await refund(deps, id, split, { ...meta('held'), reason: 'model failed' });
    const { ledger } = await expectSound(id);
    const back = ledger.find((e) => e.type === 'refund')!;
    expect(back.amount).toBe(0);
    expect(back.sources).toEqual([{ bucket: 'purchased', id: 'tu_attack', amount: 0 }]);
    expect(ledger.filter((e) => e.type === 'expire')).toEqual([]); // refund() itself does not settle; the next request does
    await ensureAccount(deps, id);
    const { ledger: after } = await expectSound(id);
    expect(after.filter((e) => e.type === 'expire')).toEqual([expect.objectContaining({ amount: -2, bucket: 'purchased', topUpId: 'tu_attack' })]);
  });

  it('given a grant whose credits_expiring notice falls due, when the process dies right after marking it noticed (before the notification is written), then a later run still writes exactly one notice', async () => {
    const { deps, clock, id } = await setup();
    await grantCredits(deps, id, { amount: 7, reason: 'promo', category: 'promotional', expiresAt: at(10) });
    clock.set(at(3));
    // The notification write dies (the process with it): what was written before it stays.
    const dying: NotificationStore = Object.assign(Object.create(deps.notifications) as NotificationStore, {
      add: async () => {
        throw new Error('process died');
      },
    });
    await expect(settleSources({ ...deps, notifications: dying }, (await deps.store.getAccount(id))!)).rejects.toThrow('process died');
    // The scheduled job and requests keep coming, healthy.
    await refreshDueAccounts(deps);
    await ensureAccount(deps, id);
    clock.set(at(4));
    await refreshDueAccounts(deps);
    const notes = (await deps.notifications.list(id, 50)).items.filter((n) => n.type === 'credits_expiring');
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toMatch(/7 AI credits .* expire on 2026-06-11/);
    await expectSound(id);
  });

  it('given grants and expiring top-ups that were noticed and then expired or were dropped, then the balance item keeps nothing of them (no notice mark, no source attribute): it does not grow with every source an account ever had', async () => {
    const { deps, clock, id, read } = await setup();
    const g = await grantCredits(deps, id, { amount: 4, reason: 'promo', category: 'promotional', expiresAt: at(10) });
    await creditPurchased(deps, id, 'op_tu2', 3, { topUpId: 'tu_noticed', reason: 'pack' }, 9);
    const used = await grantCredits(deps, id, { amount: 1, reason: 'used', category: 'compensation', expiresAt: at(20) });
    clock.set(at(3));
    await refreshDueAccounts(deps);
    expect((await read()).expiryNoticed.sort()).toEqual([g.grant.id, 'tu_noticed'].sort());
    let account = await ensureAccount(deps, id);
    ({ account } = await charge(deps, account, 25 + 3 + 4, meta('drain')));
    expect(account.sources.find((s) => s.id === used.grant.id)?.remaining).toBe(1);
    clock.set(at(13));
    account = await ensureAccount(deps, id);
    expect(account.expiryNoticed).toContain(used.grant.id);
    ({ account } = await charge(deps, account, 1, meta('use-last')));
    // A new grant drops the empty one (nothing refers to it).
    await grantCredits(deps, id, { amount: 1, reason: 'next', category: 'promotional' });
    const item = await rawItem(id);
    const gone = [g.grant.id, used.grant.id, 'tu_noticed'];
    const leftovers = Object.keys(item).filter((k) => /^(src_|srm_)/.test(k) && gone.includes(k.slice(4)));
    expect({ leftovers, noticed: (await read()).expiryNoticed }).toEqual({ leftovers: [], noticed: [] });
    await expectSound(id);
  });
});
