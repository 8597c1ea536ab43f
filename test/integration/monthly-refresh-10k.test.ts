/**
 * The monthly refresh job at volume: 10,000 due accounts, found through the sharded refresh-due index
 * and refreshed through `POST /local/schedules/monthly-refresh` (the same handler the hourly schedule runs).
 */
import type { DueCreditStore } from '../../functions/core/ports.ts';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../functions/config.ts';
import { deps } from '../../lib/local/deps.ts';
import { createDueAccounts } from '../support/due-accounts.ts';
import { call, useStack } from '../support/stack.ts';

const ctx = useStack();
const N = 10_000;

const runJob = () => call<{ refreshed: number; complete: boolean; failed: number }>(`${ctx.stack.url}/local/schedules/monthly-refresh`, { method: 'POST' });

async function dueCount(now: string): Promise<number> {
  let n = 0;
  for (let shard = 0; shard < LIMITS.refreshDueShards; shard++) {
    let cursor: string | undefined;
    do {
      const page = await (deps().store as DueCreditStore).dueAccounts(now, shard, cursor, 1000);
      n += page.accountIds.length;
      cursor = page.cursor;
    } while (cursor);
  }
  return n;
}

describe('monthly refresh job at volume', () => {
  it('given 10,000 due accounts, when the job runs, then it answers {refreshed: 10000}, none is due any more, and a second run refreshes none', async () => {
    const ids = await createDueAccounts(deps(), 'due10k', N);
    const now = new Date().toISOString();
    expect(await dueCount(now)).toBe(N);

    const first = await runJob();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ refreshed: N, complete: true, failed: 0 });
    expect(await dueCount(new Date().toISOString())).toBe(0);

    const second = await runJob();
    expect(second.body).toMatchObject({ refreshed: 0, complete: true });

    const all = await (deps().store as DueCreditStore).getAccounts(ids);
    expect(all).toHaveLength(N);
    expect(all.filter((a) => a.periodEnd <= now || a.allowanceRemaining !== 25).map((a) => a.accountId)).toEqual([]);

    // Spot checks: allowance back to the plan's 25, period moved past now, exactly one refresh entry.
    for (const id of [ids[0], ids[4999], ids[N - 1]]) {
      const a = (await deps().store.getAccount(id))!;
      expect(a.allowanceRemaining).toBe(25);
      expect(a.periodEnd > now).toBe(true);
      const ledger = await deps().store.ledgerPage(id, 10);
      expect(ledger.items.map((e) => e.type)).toEqual(['refresh', 'grant']);
      expect(ledger.items[0].amount).toBe(15);
    }
  }, 240_000);
});
