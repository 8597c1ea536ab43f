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
import { admitAttempt } from '../../functions/core/attempt.ts';
import { applyPlan, charge, creditPurchased, ensureAccount, grantCredits, refreshIfDue, refund, releaseCharge, settleSources } from '../../functions/core/credits.ts';
import { Conflict, InsufficientCredits } from '../../functions/core/errors.ts';
import { availableOf, type AccountState, type NotificationStore } from '../../functions/core/ports.ts';
import { refreshDueAccounts } from '../../functions/core/refresh-job.ts';
import { useCore } from '../support/core.ts';
import { at, grantAccount, meta } from '../support/grants.ts';
import { startKillableStack, useDynaliteForStacks } from '../support/killable-stack.ts';
import { expectLedgerMatches } from '../support/ledger.ts';
import { call, freshAccount } from '../support/stack.ts';

const core = useCore();
const setup = (plan: 'free' | 'plus' = 'free') => grantAccount(core, 'attack', plan);

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

  it('given a grant made under a request-derived id, then asking again under that id grants nothing: while it exists (also in parallel), and after it was used up and dropped', async () => {
    const { deps, id, read } = await setup();
    const req = { amount: 3, reason: 'keyed', category: 'compensation' as const };
    const first = await Promise.all([grantCredits(deps, id, req, 'grt_keyed'), grantCredits(deps, id, req, 'grt_keyed')]);
    expect(first.map((r) => r.grant.id)).toEqual(['grt_keyed', 'grt_keyed']);
    let account = await read();
    ({ account } = await charge(deps, account, 25 + 3, meta('use-it')));
    await grantCredits(deps, id, { amount: 1, reason: 'drops the empty one', category: 'promotional' });
    expect((await read()).sources.map((s) => s.id)).not.toContain('grt_keyed');
    const again = await grantCredits(deps, id, req, 'grt_keyed');
    expect(again.grant).toMatchObject({ id: 'grt_keyed', remaining: 0 });
    const { ledger, account: end } = await expectSound(id);
    expect(ledger.filter((e) => e.grantId === 'grt_keyed')).toHaveLength(1);
    expect(availableOf(end)).toBe(1);
  });
});

describe('attacks that held (dynalite)', () => {
  it('given a held charge from a grant at T - 5 ms, when its refund and the expiry race across T (ten times), then the grant leaves with exactly what it held after the refund, never more, never twice', async () => {
    for (let round = 0; round < 10; round++) {
      const { deps, clock, id, read } = await setup();
      const g = await grantCredits(deps, id, { amount: 6, reason: 'promo', category: 'promotional', expiresAt: at(1) });
      let account = await read();
      ({ account } = await charge(deps, account, 25, meta('allowance')));
      clock.set(at(1, -5));
      const { split } = await charge(deps, account, 4, meta(`held${round}`, true));
      // The instant passes after the first write of the race lands, whichever it is.
      const store = Object.create(deps.store) as typeof deps.store;
      let landed = 0;
      store.apply = async (...args) => {
        const r = await deps.store.apply(...args);
        if (r.ok && ++landed === round % 2) clock.set(at(1));
        return r;
      };
      if (round % 2 === 0) clock.set(at(1));
      const racing = { ...deps, store };
      await Promise.all([refund(racing, id, split, { ...meta(`held${round}`), reason: 'model failed' }), settleSources(racing, await read()), settleSources(racing, await read())]);
      clock.set(at(1));
      await ensureAccount(deps, id);
      const { account: end, ledger } = await expectSound(id);
      const expired = ledger.filter((e) => e.type === 'expire');
      const back = ledger.filter((e) => e.type === 'refund');
      expect(back).toHaveLength(1);
      expect(expired).toHaveLength(1);
      // What the refund gave back to the grant is exactly what the expiry took beyond the 2 it kept.
      expect(-expired[0].amount).toBe(2 + back[0].amount);
      expect(expired[0].grantId).toBe(g.grant.id);
      expect(availableOf(end)).toBe(0);
      expect(end.holds).toEqual([]);
    }
  });

  it('given a held charge over allowance and a grant, when the plan changes and the month refreshes before its refund, then only the grant part comes back and the allowance never exceeds the plan', async () => {
    const { deps, clock, id, read } = await setup('plus');
    const g = await grantCredits(deps, id, { amount: 10, reason: 'sorry', category: 'compensation' });
    let account = await read();
    ({ account } = await charge(deps, account, 97, meta('pre')));
    const { split } = await charge(deps, account, 8, meta('span', true));
    expect(split).toMatchObject({ allowance: 3, sources: [{ id: g.grant.id, amount: 5 }] });
    await applyPlan(deps, id, 'free', clock.now().toISOString());
    clock.set(new Date(Date.parse((await read()).periodEnd) + 1000).toISOString());
    await refreshIfDue(deps, await read());
    const after = await refund(deps, id, split, { ...meta('span'), reason: 'model failed' });
    expect(after.allowanceRemaining).toBe(after.allowance);
    expect(after.sources.find((s) => s.id === g.grant.id)?.remaining).toBe(10);
    const { ledger } = await expectSound(id);
    expect(ledger.find((e) => e.type === 'refund')).toMatchObject({ amount: 5, reason: expect.stringMatching(/3 allowance credits not returned/) });
  });

  it('given two expiring top-ups and two grants expiring at the same instant, then the promotional grant burns first, then compensation, then the top-ups; at the instant nothing more is charged and each top-up leaves with its own expire entry', async () => {
    const { deps, clock, id, read } = await setup();
    // Paid at the same instant with the same validDays: one expiry instant for both.
    await creditPurchased(deps, id, 'op_b', 2, { topUpId: 'tu_b', reason: 'pack' }, 10);
    await creditPurchased(deps, id, 'op_a', 1, { topUpId: 'tu_a', reason: 'pack' }, 10);
    const expiry = at(10);
    expect((await read()).sources.map((s) => s.expiresAt)).toEqual([expiry, expiry]);
    const comp = await grantCredits(deps, id, { amount: 1, reason: 'c', category: 'compensation', expiresAt: expiry });
    const promo = await grantCredits(deps, id, { amount: 1, reason: 'p', category: 'promotional', expiresAt: expiry });
    let account = await read();
    ({ account } = await charge(deps, account, 25, meta('allowance')));
    const order: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await charge(deps, account, 1, meta(`o${i}`));
      account = r.account;
      order.push(r.split.sources![0].id);
    }
    expect(order).toEqual([promo.grant.id, comp.grant.id]);
    clock.set(expiry);
    await expect(charge(deps, await read(), 1, meta('at-expiry'))).rejects.toBeInstanceOf(InsufficientCredits);
    const { ledger, account: end } = await expectSound(id);
    expect(end.sources).toEqual([]);
    const expired = ledger.filter((e) => e.type === 'expire');
    expect(expired.map((e) => [e.topUpId, e.amount]).sort()).toEqual([['tu_a', -1], ['tu_b', -2]]);
    // One write took both: the same instant, adjacent sequence numbers.
    expect(expired[0].at).toBe(expired[1].at);
    expect(Math.abs(expired[0].seq - expired[1].seq)).toBe(1);
  });

  it('given a generation that charged a grant and whose process died, when the grant expires before anyone sweeps the hold, then the sweep gives nothing back to it and the expiry takes only what it held', async () => {
    const { deps, clock, id, read } = await setup();
    await grantCredits(deps, id, { amount: 5, reason: 'promo', category: 'promotional', expiresAt: at(1) });
    let account = await read();
    ({ account } = await charge(deps, account, 25, meta('allowance')));
    clock.set(at(1, -60_000));
    await charge(deps, account, 3, meta('dead', true));
    clock.set(at(2));
    const end = await ensureAccount(deps, id);
    expect(end.holds).toEqual([]);
    expect(availableOf(end)).toBe(0);
    const { ledger } = await expectSound(id);
    expect(ledger.filter((e) => e.type === 'expire').map((e) => e.amount)).toEqual([-2]);
    expect(ledger.find((e) => e.type === 'refund')).toMatchObject({ amount: 0, reason: expect.stringMatching(/generation did not finish; 3 credits not returned/) });
  });

  it('given allowance spent and three grants, when 30 generation admissions race a concurrent grant, a top-up, the expiry instant of one grant and the settling, then every admission is charged from live sources only, once, and the ledger sums', async () => {
    const { deps, clock, id, read } = await setup();
    const attemptDeps = { ...deps, rateLimit: { ...deps.rateLimit, maxAttempts: 1000 } };
    const soon = await grantCredits(deps, id, { amount: 10, reason: 'soon', category: 'promotional', expiresAt: at(1) });
    await grantCredits(deps, id, { amount: 5, reason: 'later', category: 'compensation', expiresAt: at(5) });
    await grantCredits(deps, id, { amount: 5, reason: 'never', category: 'promotional' });
    const account = await read();
    await charge(deps, account, 25, meta('allowance'));
    clock.set(at(1, -3));
    let landed = 0;
    const store = Object.create(deps.store) as typeof deps.store;
    store.apply = async (...args) => {
      const r = await deps.store.apply(...args);
      if (r.ok && ++landed === 6) clock.set(at(1));
      return r;
    };
    const racing = { ...attemptDeps, store };
    const admissions = Array.from({ length: 30 }, (_, i) =>
      admitAttempt(racing, { accountId: id, feature: 'product_description', generationId: `gen_race${i}`, upgradeMessage: 'upgrade' }),
    );
    const others = [
      grantCredits(racing, id, { amount: 3, reason: 'racing', category: 'compensation' }),
      creditPurchased(racing, id, 'op_race', 2, { topUpId: 'tu_race', reason: 'pack' }, 3),
      refreshDueAccounts(racing),
    ];
    const results = await Promise.allSettled(admissions);
    expect((await Promise.allSettled(others)).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(InsufficientCredits);
    const charged = results.filter((r) => r.status === 'fulfilled').length;
    expect(charged).toBeGreaterThan(0);
    for (let i = 0; i < 30; i++) await releaseCharge(deps, id, `gen_race${i}`);
    await ensureAccount(deps, id);
    const { ledger, account: end } = await expectSound(id);
    const charges = ledger.filter((e) => e.type === 'charge' && e.generationId?.startsWith('gen_race'));
    expect(charges).toHaveLength(charged);
    expect(new Set(charges.map((c) => c.generationId)).size).toBe(charges.length);
    for (const e of charges) {
      for (const part of e.sources ?? []) if (part.id === soon.grant.id) expect(e.at < at(1)).toBe(true);
    }
    // Nothing minted: what came in (20 + 3 + 2) is what the charges and the expiry took, plus what is left.
    const expired = ledger.filter((e) => e.type === 'expire').reduce((n, e) => n - e.amount, 0);
    expect(charged + expired + availableOf(end)).toBe(25);
  });

  it('given 20 grants with 500-character reasons, an expiring top-up and 10 generations in flight spanning grants, then the balance item stays far below the 400 KB limit', async () => {
    const { deps, id, read } = await setup();
    for (let i = 0; i < LIMITS.maxActiveGrants; i++) await grantCredits(deps, id, { amount: 2, reason: 'r'.repeat(500), category: i % 2 ? 'promotional' : 'compensation', expiresAt: at(20 + i) });
    await creditPurchased(deps, id, 'op_big', 100, { topUpId: 'tu_big', reason: 'pack' }, 30);
    let account = await read();
    ({ account } = await charge(deps, account, 25, meta('allowance')));
    for (let i = 0; i < 10; i++) ({ account } = await charge(deps, account, 3, meta(`big${i}`, true)));
    const item = await rawItem(id);
    const size = Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(JSON.stringify(v instanceof Set ? [...v] : v)), 0);
    expect(size).toBeLessThan(40_000);
    await expectSound(id);
  });
});

describe('an admin grant whose process dies before answering (dynalite, a stack in a child process)', () => {
  const dynamo = useDynaliteForStacks();

  it('given the process dies after the grant is written and before its idempotency record is completed, when the operator retries with the same Idempotency-Key, then the account has the grant once', { timeout: 150_000 }, async () => {
    const stack = await startKillableStack(dynamo.endpoint);
    try {
      const token = async (accountId: string, scopes?: string[]) =>
        (await call<{ token: string }>(`${stack.url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId, scopes }) })).body.token;
      const id = freshAccount('grantcrash');
      const merchant = { authorization: `Bearer ${await token(id)}` };
      const admin = { authorization: `Bearer ${await token(freshAccount('admin'), ['credits:admin'])}` };
      expect((await call(`${stack.url}/v1/credits`, { headers: merchant })).body.credits.available).toBe(25);
      const grant = () =>
        call(`${stack.url}/v1/admin/accounts/${id}/grants`, {
          method: 'POST',
          headers: { ...admin, 'content-type': 'application/json', 'idempotency-key': 'apology-7' },
          body: JSON.stringify({ amount: 50, reason: 'outage apology', category: 'compensation' }),
        });
      const isIdempotencyTable = (b: Record<string, any>) => String(b.TableName ?? '').includes('idempotency');
      stack.killWhen((c) => isIdempotencyTable(c.body) && c.operation === 'UpdateItem' && JSON.stringify(c.body.ExpressionAttributeValues ?? {}).includes('COMPLETED'));
      const lost = await grant().catch((err: unknown) => err);
      await stack.killed();
      expect(lost).toBeInstanceOf(Error);
      await stack.restart();

      // The first attempt's record stays "in progress" until the function's timeout has passed; then the retry runs.
      let retry = await grant();
      const deadline = Date.now() + 90_000;
      while (retry.status === 409 && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 1000));
        retry = await grant();
      }
      expect(retry.status).toBe(201);
      const credits = (await call(`${stack.url}/v1/credits`, { headers: merchant })).body;
      expect({ grants: credits.credits.grants, sources: credits.sources.filter((x: { bucket: string }) => x.bucket === 'grant').length }).toEqual({ grants: 50, sources: 1 });
      const ledger = (await call(`${stack.url}/v1/credits/ledger?limit=100`, { headers: merchant })).body.items as Array<{ type: string; grantId?: string }>;
      expect(ledger.filter((e) => e.type === 'grant' && e.grantId)).toHaveLength(1);
    } finally {
      await stack.close();
    }
  });
});
