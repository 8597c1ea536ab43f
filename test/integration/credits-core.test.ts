import { describe, expect, it } from 'vitest';
import { adjust, applyPlan, charge, creditPurchased, ensureAccount, refund } from '../../functions/core/credits.ts';
import { InsufficientCredits } from '../../functions/core/errors.ts';
import { DynamoCreditStore } from '../../functions/adapters/dynamo-store.ts';
import { availableOf } from '../../functions/core/ports.ts';
import { useCore } from '../support/core.ts';
import { expectLedgerMatches as expectLedgerMatchesOf, wholeLedger as wholeLedgerOf } from '../support/ledger.ts';
import { freshAccount } from '../support/stack.ts';

const core = useCore();

const wholeLedger = (accountId: string) => wholeLedgerOf(core.deps.store, accountId);
const expectLedgerMatches = (accountId: string) => expectLedgerMatchesOf(core.deps.store, accountId);

const meta = (n: number) => ({ feature: 'product_description' as const, generationId: `gen_${n}`, productId: 'prod_1' });

describe('credits core against dynalite', () => {
  it('given a new account, when it is first seen by many concurrent requests, then it is provisioned once with the free 25', async () => {
    const id = freshAccount();
    const accounts = await Promise.all(Array.from({ length: 20 }, () => ensureAccount(core.deps, id)));
    expect(new Set(accounts.map((a) => a.createdAt)).size).toBe(1);
    const { account, ledger } = await expectLedgerMatches(id);
    expect(account.plan).toBe('free');
    expect(availableOf(account)).toBe(25);
    expect(ledger.map((e) => e.type)).toEqual(['grant']);
  });

  it('given 400 credits, when 450 charges race, then exactly 400 succeed, 50 are refused, the balance is 0 and the ledger sums to 0', async () => {
    const id = freshAccount();
    await ensureAccount(core.deps, id);
    await applyPlan(core.deps, id, 'premium', new Date().toISOString());
    const start = (await core.deps.store.getAccount(id))!;
    expect(availableOf(start)).toBe(400);

    const requests = core.dynamo.requests;
    for (const k of Object.keys(requests)) delete requests[k];
    const results = await Promise.allSettled(Array.from({ length: 450 }, (_, i) => charge(core.deps, start, 1, meta(i))));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof InsufficientCredits);
    expect(ok).toBe(400);
    expect(refused).toHaveLength(50);
    // Each charge or refusal is one write that says why (no reads), and crossing writers that find a flush
    // in flight hand over to it: 67 blocks of ledger take a few batches and trims, not 67 of each.
    const counted = { ...requests };
    expect(counted.GetItem ?? 0).toBe(0);
    expect((counted.PutItem ?? 0) + (counted.BatchWriteItem ?? 0)).toBeLessThan(30);
    expect(counted.UpdateItem).toBeLessThan(450 + 30);
    const { account, ledger } = await expectLedgerMatches(id);
    expect(availableOf(account)).toBe(0);
    expect(ledger.filter((e) => e.type === 'charge')).toHaveLength(400);
  });

  it('given allowance and purchased credits, when charges run, then the allowance is spent first, then purchased, split across buckets', async () => {
    const id = freshAccount();
    await ensureAccount(core.deps, id);
    await creditPurchased(core.deps, id, 'op_1', 10, { reason: 'test' });
    let account = (await core.deps.store.getAccount(id))!;
    ({ account } = await charge(core.deps, account, 24, meta(1)));
    expect([account.allowanceRemaining, account.purchased]).toEqual([1, 10]);
    const r = await charge(core.deps, account, 3, meta(2));
    expect(r.split).toEqual({ allowance: 1, purchased: 2, epoch: 0 });
    expect([r.account.allowanceRemaining, r.account.purchased]).toEqual([0, 8]);
    await expectLedgerMatches(id);
  });

  it('given a charge, when it is refunded, then exactly the charged buckets are restored with one refund entry listing them', async () => {
    const id = freshAccount();
    await ensureAccount(core.deps, id);
    await creditPurchased(core.deps, id, 'op_1', 5, { reason: 'test' });
    let account = (await core.deps.store.getAccount(id))!;
    ({ account } = await charge(core.deps, account, 24, meta(1)));
    const { split } = await charge(core.deps, account, 3, meta(2));
    account = await refund(core.deps, id, split, { ...meta(2), reason: 'model failed' });
    expect([account.allowanceRemaining, account.purchased]).toEqual([1, 5]);
    const { ledger } = await expectLedgerMatches(id);
    expect(ledger.filter((e) => e.type === 'refund').map((e) => [e.amount, e.sources])).toEqual([
      [3, [{ bucket: 'allowance', amount: 1 }, { bucket: 'purchased', amount: 2 }]],
    ]);
  });

  it('given an op id, when purchased credits are credited 5 times concurrently, then they are credited once', async () => {
    const id = freshAccount();
    await ensureAccount(core.deps, id);
    const results = await Promise.all(Array.from({ length: 5 }, () => creditPurchased(core.deps, id, 'topup:tu_1', 50, { topUpId: 'tu_1' })));
    expect(results.filter((r) => r.credited)).toHaveLength(1);
    const { account } = await expectLedgerMatches(id);
    expect(account.purchased).toBe(50);
  });

  it('given 3 purchased credits, when an admin debits 5, then it is refused with 409 and nothing changes', async () => {
    const id = freshAccount();
    await ensureAccount(core.deps, id);
    await adjust(core.deps, id, 3, 'goodwill');
    await expect(adjust(core.deps, id, -5, 'oops')).rejects.toMatchObject({ status: 409 });
    const { account } = await expectLedgerMatches(id);
    expect(account.purchased).toBe(3);
  });

  it('given the process dies between the balance write and the ledger flush, when the next reader reads, then the ledger still sums to the balance with no entry lost or doubled', async () => {
    const id = freshAccount();
    const store = core.deps.store as DynamoCreditStore;
    await ensureAccount(core.deps, id);
    await applyPlan(core.deps, id, 'plus', new Date().toISOString());
    let account = (await store.getAccount(id))!;
    // Die before the flush on every boundary crossing: the balance write has landed, the ledger items have not.
    store.faults.beforeFlush = () => {
      throw new Error('killed before flush');
    };
    let died = 0;
    for (let i = 0; i < 40; i++) {
      try {
        ({ account } = await charge(core.deps, account, 1, meta(i)));
      } catch (err) {
        expect(String(err)).toContain('killed');
        died++;
        account = (await store.getAccount(id))!;
      }
    }
    expect(died).toBeGreaterThan(0);
    await expectLedgerMatches(id);

    // Die after the ledger items are written but before the outbox is trimmed: readers must not double them.
    store.faults.beforeFlush = undefined;
    store.faults.beforeTrim = () => {
      throw new Error('killed before trim');
    };
    for (let i = 40; i < 60; i++) {
      try {
        ({ account } = await charge(core.deps, account, 1, meta(i)));
      } catch {
        account = (await store.getAccount(id))!;
      }
    }
    await expectLedgerMatches(id);

    // Healthy again: the next boundary crossings copy every complete block the dead writers left behind.
    store.faults.beforeTrim = undefined;
    for (let i = 60; i < 80; i++) ({ account } = await charge(core.deps, account, 1, meta(i)));
    const { ledger } = await expectLedgerMatches(id);
    expect(ledger.filter((e) => e.type === 'charge')).toHaveLength(80);
    expect((await store.getAccount(id))!.pending.length).toBeLessThan(20);
  });

  it('given ledger upkeep that fails after each charge has landed (block writes throttled), when the account is charged across block boundaries, then every charge answers as made, and the next healthy crossing copies the backlog', async () => {
    const id = freshAccount();
    await ensureAccount(core.deps, id);
    await applyPlan(core.deps, id, 'plus', new Date().toISOString());
    const throttled = {
      send: async () => {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException' });
      },
    } as unknown as ConstructorParameters<typeof DynamoCreditStore>[0];
    const flaky = new DynamoCreditStore(core.deps.dynamo.doc, core.deps.env.TABLE_NAME, {}, throttled);
    let account = (await flaky.getAccount(id))!;
    for (let i = 0; i < 20; i++) ({ account } = await charge({ ...core.deps, store: flaky }, account, 1, meta(i)));
    expect(account.allowanceRemaining).toBe(80);
    // Nothing was copied: every entry since the plan change is still in the outbox, where readers find it.
    const { ledger } = await expectLedgerMatches(id);
    expect(ledger.filter((e) => e.type === 'charge')).toHaveLength(20);
    expect((await core.deps.store.getAccount(id))!.pending.length).toBeGreaterThanOrEqual(20);

    for (let i = 20; i < 26; i++) ({ account } = await charge(core.deps, account, 1, meta(i)));
    await expectLedgerMatches(id);
    expect((await core.deps.store.getAccount(id))!.pending.length).toBeLessThan(6);
  });

  it('given subscription events, when an older one arrives after a newer one, then it changes nothing', async () => {
    const id = freshAccount();
    await ensureAccount(core.deps, id);
    const t1 = new Date(Date.now() - 60_000).toISOString();
    const t2 = new Date().toISOString();
    expect((await applyPlan(core.deps, id, 'pro', t2)).applied).toBe(true);
    expect((await applyPlan(core.deps, id, 'plus', t1)).applied).toBe(false);
    expect((await applyPlan(core.deps, id, 'pro', t2)).applied).toBe(false);
    const { account } = await expectLedgerMatches(id);
    expect([account.plan, account.allowanceRemaining]).toEqual(['pro', 200]);
  });

  describe('refunds never mint allowance (money safety)', () => {
    const held = (n: number) => ({ ...meta(n), hold: true });

    it('given a held 2-credit charge on pro, when the plan changes to premium before the model fails, then the refund gives back no allowance of the old plan and the allowance stays at the plan amount', async () => {
      const id = freshAccount();
      await ensureAccount(core.deps, id);
      await applyPlan(core.deps, id, 'pro', new Date(Date.now() - 1000).toISOString());
      const { split } = await charge(core.deps, (await core.deps.store.getAccount(id))!, 2, held(1));
      await applyPlan(core.deps, id, 'premium', new Date().toISOString());
      await refund(core.deps, id, split, { ...held(1), reason: 'model throttled' });
      const { account, ledger } = await expectLedgerMatches(id);
      expect([account.allowance, account.allowanceRemaining, account.holds]).toEqual([400, 400, []]);
      const refunds = ledger.filter((e) => e.type === 'refund');
      expect(refunds.map((e) => [e.bucket, e.amount])).toEqual([['allowance', 0]]);
      expect(refunds[0].reason).toMatch(/2 allowance credits not returned: the allowance was reset since the charge/);
    });

    it('given a charge spanning allowance and purchased, when a monthly refresh lands before its refund, then only the purchased part comes back', async () => {
      const id = freshAccount();
      await ensureAccount(core.deps, id);
      await applyPlan(core.deps, id, 'plus', new Date().toISOString());
      await creditPurchased(core.deps, id, `op_${id}`, 5, {});
      let account = (await core.deps.store.getAccount(id))!;
      ({ account } = await charge(core.deps, account, 99, meta(1)));
      // Charged 10 s before the period ends, so the hold is still young (not swept) when the refresh lands.
      const justBefore = { ...core.deps, clock: { now: () => new Date(Date.parse(account.periodEnd) - 10_000) } };
      const { split } = await charge(justBefore, account, 3, held(2));
      expect([split.allowance, split.purchased]).toEqual([1, 2]);
      // The period ends: a refresh (here lazily, on the next read) resets the allowance to 100.
      const later = { ...core.deps, clock: { now: () => new Date(Date.parse(account.periodEnd) + 1000) } };
      await ensureAccount(later, id);
      await refund(later, id, split, { ...held(2), reason: 'model timeout' });
      const { account: after } = await expectLedgerMatches(id);
      expect([after.allowance, after.allowanceRemaining, after.purchased]).toEqual([100, 100, 5]);
    });

    it('given a refund in the same period, then the allowance part comes back in full', async () => {
      const id = freshAccount();
      await ensureAccount(core.deps, id);
      const { split } = await charge(core.deps, (await core.deps.store.getAccount(id))!, 1, held(1));
      await refund(core.deps, id, split, { ...held(1), reason: 'model timeout' });
      const { account } = await expectLedgerMatches(id);
      expect([account.allowanceRemaining, account.holds]).toEqual([25, []]);
    });

    it('given a held charge abandoned by a dead process, when the plan changes before the sweeper refunds it, then the sweeper gives back no old allowance', async () => {
      const id = freshAccount();
      await ensureAccount(core.deps, id);
      await applyPlan(core.deps, id, 'plus', new Date(Date.now() - 1000).toISOString());
      await charge(core.deps, (await core.deps.store.getAccount(id))!, 1, held(1));
      await applyPlan(core.deps, id, 'free', new Date().toISOString());
      const later = { ...core.deps, clock: { now: () => new Date(Date.now() + 121_000) } };
      const account = await ensureAccount(later, id);
      expect([account.allowance, account.allowanceRemaining, account.holds]).toEqual([25, 25, []]);
      await expectLedgerMatches(id);
    });
  });
});
