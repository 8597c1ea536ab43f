/**
 * Balance items written before the list outbox (entries in `outbox`/`oseq`/`obb` maps, flushed to
 * single-entry `LEDGER#<seq>` items) keep working: their ledger reads whole, new entries follow on, and
 * a writer that sees the old entries flushes them.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { accountPk, dueShardOf } from '../../functions/adapters/dynamo-store.ts';
import { charge } from '../../functions/core/credits.ts';
import { anchorFor, periodContaining } from '../../functions/core/period.ts';
import { availableOf, type LedgerEntry } from '../../functions/core/ports.ts';
import { useCore } from '../support/core.ts';
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
    const ledger: LedgerEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await core.deps.store.ledgerPage(id, 7, cursor);
      ledger.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ledger.map((e) => e.seq)).toEqual(Array.from({ length: 23 }, (_, i) => 23 - i));
    expect(ledger.reduce((s, e) => s + e.amount, 0)).toBe(9);
    expect(ledger.map((e) => e.balanceAfter)).toEqual(Array.from({ length: 23 }, (_, i) => (i < 20 ? 9 + i : [29, 24, 25][i - 20])));
    expect(ledger.find((e) => e.seq === 3)).toMatchObject({ id: 'led_c', type: 'adjust', reason: 'goodwill', bucket: 'purchased' });
    // The map entries were flushed by the first writer that saw them, and the list outbox holds fewer than a block.
    expect(fresh.pending.every((e) => e.seq > 3)).toBe(true);
    expect(fresh.pending.length).toBeLessThan(8);
  });
});
