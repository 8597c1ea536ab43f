/**
 * The scheduled job's side of the credit store: the sharded due indexes (`refresh-due`, `source-due`,
 * `events-due`) and balance items read a page at a time. Only the hourly job (and the outbox relay's
 * scan of `events-due`) use these, so every other function's bundle leaves them out (BatchGetItem included).
 */
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#zod';
import type { AccountState, DueCreditStore } from '../core/ports.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { accountPk, BALANCE, DynamoCreditStore } from './dynamo-store.ts';

type Item = Record<string, any>;

/** The refresh job's own cursor (the index's LastEvaluatedKey), never a client's. */
const DueCursor = z.record(z.string(), z.string().check(z.maxLength(1024)));

/** A page of a sharded due index (`refresh-due`, `source-due`, `events-due`). */
export async function dueQuery(doc: DynamoDBDocumentClient, table: string, index: string, key: string, now: string, shard: number, cursor: string | undefined, limit: number): Promise<{ accountIds: string[]; cursor?: string }> {
  const r = await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: index,
      KeyConditionExpression: `dueShard = :s AND ${key} <= :now`,
      ExpressionAttributeValues: { ':s': `due#${shard}`, ':now': now },
      Limit: limit,
      ExclusiveStartKey: cursor ? decodeCursor(cursor, DueCursor, 'cursor') : undefined,
    }),
  );
  return {
    accountIds: (r.Items ?? []).map((i) => String(i.pk).slice('ACCT#'.length)),
    cursor: r.LastEvaluatedKey ? encodeCursor(r.LastEvaluatedKey) : undefined,
  };
}

/** The credit store of the hourly job: the due indexes and batched reads besides everything else. */
export class DynamoDueCreditStore extends DynamoCreditStore implements DueCreditStore {
  /** Up to 100 balance items per BatchGetItem (consistent reads): the job reads a page of due accounts at once. */
  async getAccounts(accountIds: string[]): Promise<AccountState[]> {
    const out: AccountState[] = [];
    for (let i = 0; i < accountIds.length; i += 100) {
      let keys: Item[] = accountIds.slice(i, i + 100).map((id) => ({ pk: accountPk(id), sk: BALANCE }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 8) throw new Error('getAccounts: unprocessed keys after retries');
        if (attempt) await new Promise((res) => setTimeout(res, 20 * 2 ** attempt));
        const r = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        out.push(...(r.Responses?.[this.table] ?? []).map((i) => this.toState(i)));
        keys = (r.UnprocessedKeys?.[this.table]?.Keys ?? []) as Item[];
      }
    }
    return out;
  }

  dueAccounts(now: string, shard: number, cursor?: string, limit = 100): Promise<{ accountIds: string[]; cursor?: string }> {
    return dueQuery(this.doc, this.table, 'refresh-due', 'periodEnd', now, shard, cursor, limit);
  }

  /** Accounts with a source to notice or expire by `now` (the sparse `source-due` index: only items with a `sourceDueAt`). */
  sourceDueAccounts(now: string, shard: number, cursor?: string, limit = 100): Promise<{ accountIds: string[]; cursor?: string }> {
    return dueQuery(this.doc, this.table, 'source-due', 'sourceDueAt', now, shard, cursor, limit);
  }
}
