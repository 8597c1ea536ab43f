/**
 * Balance items written before the list outbox (entries in `outbox`/`oseq`/`obb` maps, flushed to
 * single-entry `LEDGER#<seq>` items) keep working: their ledger reads whole, new entries follow on, and
 * a writer that sees the old entries flushes them.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { accountPk, dueShardOf, type DynamoCreditStore } from '../../functions/adapters/dynamo-store.ts';
import { charge, ensureAccount } from '../../functions/core/credits.ts';
import { anchorFor, periodContaining } from '../../functions/core/period.ts';
import { availableOf } from '../../functions/core/ports.ts';
import { useCore } from '../support/core.ts';
import { expectLedgerMatches, wholeLedger as wholeLedgerOf } from '../support/ledger.ts';
import { freshAccount } from '../support/stack.ts';

const core = useCore();

describe('balance items in the map-outbox format', () => {
  it('given an account with 1 flushed and 2 pending map-outbox entries, when it is charged 20 times, then the ledger is contiguous, sums to the balance, and the old entries leave the item', async () => {
    const id = freshAccount('legacy');
    const now = new Date();
    const anchor = anchorFor(now);
    const period = periodContaining(anchor, now);
    const at = now.toISOString();
    const old = Date.now() - 60_000;
    const put = (Item: Record<string, unknown>) => core.deps.dynamo.doc.send(new PutCommand({ TableName: core.deps.env.TABLE_NAME, Item }));
    // seq 1: the grant, already in its own item; seq 2 and 3: a charge and a grant still in the maps.
    await put({ pk: accountPk(id), sk: 'LEDGER#000000000001', id: 'led_a', at, type: 'grant', amount: 25, bucket: 'allowance', seq: 1, balanceAfter: 25 });
    await put({
      pk: accountPk(id),
      sk: 'BALANCE',
      accountId: id,
      plan: 'free',
      allowance: 25,
      allowanceRemaining: 24,
      purchased: 5,
      periodAnchor: anchor.toISOString(),
      periodStart: period.start.toISOString(),
      periodEnd: period.end.toISOString(),
      createdAt: at,
      dueShard: dueShardOf(id),
      seq: 3,
      outbox: {
        led_b: JSON.stringify({ id: 'led_b', at, type: 'charge', amount: -1, bucket: 'allowance', feature: 'product_description', generationId: 'gen_old', o: 0, w: old }),
        led_c: JSON.stringify({ id: 'led_c', at, type: 'adjust', amount: 5, bucket: 'purchased', reason: 'goodwill', o: 0, w: old }),
      },
      oseq: { led_b: 2, led_c: 3 },
      obb: { led_b: 25, led_c: 24 },
    });

    let account = (await core.deps.store.getAccount(id))!;
    expect([availableOf(account), account.seq, account.pending.map((e) => [e.seq, e.balanceAfter])]).toEqual([29, 3, [[2, 24], [3, 29]]]);
    for (let i = 0; i < 20; i++) ({ account } = await charge(core.deps, account, 1, { feature: 'product_description', generationId: `gen_${i}` }));

    const fresh = (await core.deps.store.getAccount(id))!;
    expect(availableOf(fresh)).toBe(9);
    const ledger = await wholeLedger(id);
    expect(ledger.map((e) => e.seq)).toEqual(Array.from({ length: 23 }, (_, i) => 23 - i));
    expect(ledger.reduce((s, e) => s + e.amount, 0)).toBe(9);
    expect(ledger.map((e) => e.balanceAfter)).toEqual(Array.from({ length: 23 }, (_, i) => (i < 20 ? 9 + i : [29, 24, 25][i - 20])));
    expect(ledger.find((e) => e.seq === 3)).toMatchObject({ id: 'led_c', type: 'adjust', reason: 'goodwill', bucket: 'purchased' });
    // The map entries were flushed by the first writer that saw them, and the list outbox holds fewer than a block.
    expect(fresh.pending.every((e) => e.seq > 3)).toBe(true);
    expect(fresh.pending.length).toBeLessThan(8);
  });
});

/**
 * The earlier version's charge, as it wrote it: the entry goes into the `outbox`/`oseq`/`obb` maps with
 * its seq taken from the pre-update item, so it takes a seq without appending to the list outbox.
 */
async function earlierVersionCharge(id: string, n: number): Promise<void> {
  const at = new Date().toISOString();
  await core.deps.dynamo.doc.send(
    new UpdateCommand({
      TableName: core.deps.env.TABLE_NAME,
      Key: { pk: accountPk(id), sk: 'BALANCE' },
      UpdateExpression: 'SET allowanceRemaining = allowanceRemaining + :ad, seq = seq + :n, outbox.#e0 = :e0, oseq.#e0 = seq + :k0, obb.#e0 = allowanceRemaining + purchased',
      ConditionExpression: 'attribute_exists(pk) AND allowanceRemaining >= :gaal',
      ExpressionAttributeNames: { '#e0': `led_old${n}` },
      ExpressionAttributeValues: {
        ':ad': -1,
        ':n': 1,
        ':k0': 1,
        ':gaal': 1,
        ':e0': JSON.stringify({ id: `led_old${n}`, at, type: 'charge', amount: -1, bucket: 'allowance', feature: 'product_description', generationId: `gen_old${n}`, o: 0, w: Date.now() }),
      },
    }),
  );
}

/** Rewrites an account this version created (its grant alone in the list outbox) as the earlier version wrote it: the grant in the maps. */
async function toMapFormat(id: string): Promise<void> {
  const { ob: _ob, ...rest } = await rawBalance(id);
  const [grant] = (await core.deps.store.getAccount(id))!.pending;
  const { seq: _s, balanceAfter: _b, ...entry } = grant;
  await core.deps.dynamo.doc.send(
    new PutCommand({
      TableName: core.deps.env.TABLE_NAME,
      Item: { ...rest, outbox: { [grant.id]: JSON.stringify({ ...entry, o: 0, w: Date.now() }) }, oseq: { [grant.id]: 1 }, obb: { [grant.id]: 0 } },
    }),
  );
}

async function rawBalance(id: string): Promise<Record<string, unknown>> {
  const r = await core.deps.dynamo.doc.send(new GetCommand({ TableName: core.deps.env.TABLE_NAME, Key: { pk: accountPk(id), sk: 'BALANCE' }, ConsistentRead: true }));
  return r.Item!;
}

/** Pages of 7: the reads cross block items and the outbox. */
const wholeLedger = (id: string) => wholeLedgerOf(core.deps.store, id, 7);
const expectLedgerWhole = (id: string) => expectLedgerMatches(core.deps.store, id, 7);

describe('writers of the earlier version on the same table (rolling deploy, rollback)', () => {
  it('given an account this version created, when an earlier-version writer charges it, then DynamoDB refuses the write and nothing changes', async () => {
    const id = freshAccount('mixed');
    await ensureAccount(core.deps, id);
    const before = await rawBalance(id);
    await expect(earlierVersionCharge(id, 1)).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await rawBalance(id)).toEqual(before);
    await expectLedgerWhole(id);
  });

  it('given an account in the map format with entries pending, when this version charges once, then the account leaves the map format and a later earlier-version charge is refused, so the ledger stays contiguous and sums to the balance', async () => {
    const id = freshAccount('mixed');
    const store = core.deps.store as DynamoCreditStore;
    await ensureAccount(core.deps, id);
    await toMapFormat(id);
    await earlierVersionCharge(id, 1);
    await earlierVersionCharge(id, 2);

    let fresh = (await store.getAccount(id))!;
    ({ account: fresh } = await charge(core.deps, fresh, 1, { feature: 'product_description', generationId: 'gen_new1' }));
    const raw = await rawBalance(id);
    expect(['outbox' in raw, 'oseq' in raw, 'obb' in raw]).toEqual([false, false, false]);
    await expect(earlierVersionCharge(id, 3)).rejects.toMatchObject({ name: 'ValidationException' });
    ({ account: fresh } = await charge(core.deps, fresh, 1, { feature: 'product_description', generationId: 'gen_new2' }));

    expect([availableOf(fresh), fresh.seq]).toEqual([21, 5]);
    await expectLedgerWhole(id);
    expect((await wholeLedger(id)).map((e) => e.generationId ?? e.type)).toEqual(['gen_new2', 'gen_new1', 'gen_old2', 'gen_old1', 'grant']);
  });

  it('given an earlier-version writer adds an entry while this version migrates the account, then the migration starts over and no entry is lost or misnumbered', async () => {
    const id = freshAccount('mixed');
    const store = core.deps.store as DynamoCreditStore;
    await ensureAccount(core.deps, id);
    await toMapFormat(id);
    await earlierVersionCharge(id, 1);
    // The first two migration attempts each see an earlier-version charge land between copying and removing.
    let raced = 0;
    store.faults.beforeMigrate = async () => {
      if (raced++ < 2) await earlierVersionCharge(id, 10 + raced);
    };
    try {
      const account = (await store.getAccount(id))!;
      const { account: after } = await charge(core.deps, account, 1, { feature: 'product_description', generationId: 'gen_new' });
      expect(raced).toBe(3);
      expect([availableOf(after), after.seq]).toEqual([21, 5]);
    } finally {
      store.faults.beforeMigrate = undefined;
    }
    expect('outbox' in (await rawBalance(id))).toBe(false);
    await expectLedgerWhole(id);
    expect((await wholeLedger(id)).map((e) => e.generationId ?? e.type)).toEqual(['gen_new', 'gen_old12', 'gen_old11', 'gen_old1', 'grant']);
  });
});
