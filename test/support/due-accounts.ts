/**
 * Creates accounts whose period has already ended (the way an account that lived through last month
 * looks), fast enough for 10,000 of them in a test or the benchmark: one account is created through the
 * store, then its stored item is copied under other ids with BatchWriteItem (25 per request).
 */
import { BatchWriteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { accountPk, dueShardOf } from '../../functions/adapters/dynamo-store.ts';
import { newId } from '../../functions/core/ids.ts';
import { addMonthsClamped, anchorFor } from '../../functions/core/period.ts';
import type { CreditStore } from '../../functions/core/ports.ts';

export interface DueAccountsDeps {
  store: CreditStore;
  dynamo: { doc: DynamoDBDocumentClient };
  env: { TABLE_NAME: string };
}

export interface DueAccountsOptions {
  /** How long ago the first period started (default 40 days: it ended about 10 days ago). */
  startedDaysAgo?: number;
  now?: Date;
  /** BatchWriteItem requests in flight. */
  concurrency?: number;
}

/**
 * `n` free accounts named `${prefix}_${i}`, each with 10 of its 25 allowance credits left and a period
 * that ended before `now`. Their ledger (one grant of 10) sums to their balance, like a real account's.
 */
export async function createDueAccounts(d: DueAccountsDeps, prefix: string, n: number, opts: DueAccountsOptions = {}): Promise<string[]> {
  const now = opts.now ?? new Date();
  const anchor = anchorFor(new Date(now.getTime() - (opts.startedDaysAgo ?? 40) * 86_400_000));
  const periodEnd = addMonthsClamped(anchor, 1);
  if (periodEnd >= now) throw new Error('startedDaysAgo must be more than a month');
  const ids = Array.from({ length: n }, (_, i) => `${prefix}_${i}`);
  await d.store.createAccount(
    {
      accountId: ids[0],
      plan: 'free',
      allowance: 25,
      allowanceRemaining: 10,
      purchased: 0,
      periodAnchor: anchor.toISOString(),
      periodStart: anchor.toISOString(),
      periodEnd: periodEnd.toISOString(),
      createdAt: anchor.toISOString(),
    },
    { id: newId('led', anchor), at: anchor.toISOString(), type: 'grant', amount: 10, bucket: 'allowance', reason: 'Test fixture: 10 of 25 left at the end of the period' },
  );
  const template = (await d.dynamo.doc.send(new GetCommand({ TableName: d.env.TABLE_NAME, Key: { pk: accountPk(ids[0]), sk: 'BALANCE' }, ConsistentRead: true }))).Item!;
  // The attributes that name the account (its key, id and shard of the refresh-due index) and its period.
  // Each account's anchor is a second apart: dynalite keys an index entry by the index key plus only a
  // 24-bit hash of the table key, so thousands of accounts with one (shard, periodEnd) would collide and
  // silently drop index entries (DynamoDB does not). Accounts opened at different times is realistic too.
  const clone = (accountId: string, i: number) => {
    const a = new Date(anchor.getTime() - i * 1000);
    const periodAt = a.toISOString();
    return { ...template, pk: accountPk(accountId), accountId, dueShard: dueShardOf(accountId), periodAnchor: periodAt, periodStart: periodAt, periodEnd: addMonthsClamped(a, 1).toISOString(), createdAt: periodAt };
  };

  const batches: number[][] = [];
  for (let i = 1; i < ids.length; i += 25) batches.push(Array.from({ length: Math.min(25, ids.length - i) }, (_, k) => i + k));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = batches[next++].map((i) => ({ PutRequest: { Item: clone(ids[i], i) } }));
      for (let attempt = 0; requests.length; attempt++) {
        if (attempt > 8) throw new Error('unprocessed items after retries');
        const r = await d.dynamo.doc.send(new BatchWriteCommand({ RequestItems: { [d.env.TABLE_NAME]: requests } }));
        requests = (r.UnprocessedItems?.[d.env.TABLE_NAME] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  return ids;
}
