/**
 * Top-ups and processed-event records on DynamoDB, in the account's item collection
 * (`ACCT#<id>` / `TOPUP#<topUpId>` and `ACCT#<id>` / `EVT#<eventId>`): an event naming another
 * account's top-up finds nothing, and no account's items sit on a shared hot key.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#zod';
import type { ProcessedEventStore } from '../core/billing.ts';
import type { TopUp, TopUpStore } from '../core/top-ups.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { isConditionFailure } from './dynamo-client.ts';
import { accountPk } from './dynamo-store.ts';

const TOPUP = 'TOPUP#';
const EVT = 'EVT#';

type Item = Record<string, unknown>;

function toTopUp(item: Item): TopUp {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as TopUp;
}

const TopUpCursor = z.strictObject({ sk: z.string().check(z.regex(/^TOPUP#tu_[0-9a-hjkmnp-tv-z]{22}$/)) });

export class DynamoBillingStore implements TopUpStore, ProcessedEventStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createTopUp(topUp: TopUp): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: accountPk(topUp.accountId), sk: `${TOPUP}${topUp.id}`, ...topUp },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      // Written before (an auto top-up's item is written again by whoever repairs its marker): it stands as it is.
      if (!isConditionFailure(err)) throw err;
    }
  }

  async getTopUp(accountId: string, topUpId: string): Promise<TopUp | null> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: `${TOPUP}${topUpId}` }, ConsistentRead: true }),
    );
    return r.Item ? toTopUp(r.Item) : null;
  }

  async listTopUps(accountId: string, limit: number, cursor?: string): Promise<{ items: TopUp[]; nextCursor: string | null }> {
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': accountPk(accountId), ':p': TOPUP },
        // Top-up ids are time-ordered, so descending sort keys are newest first.
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: cursor ? { pk: accountPk(accountId), sk: decodeCursor(cursor, TopUpCursor).sk } : undefined,
      }),
    );
    const items = (r.Items ?? []).map(toTopUp);
    const last = r.LastEvaluatedKey?.sk;
    return { items, nextCursor: typeof last === 'string' && items.length === limit ? encodeCursor({ sk: last }) : null };
  }

  async markPaid(accountId: string, topUpId: string, at: string): Promise<TopUp | null> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: accountPk(accountId), sk: `${TOPUP}${topUpId}` },
          UpdateExpression: 'SET #status = :paid, paidAt = :at',
          ConditionExpression: 'attribute_exists(sk) AND #status <> :paid',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':paid': 'paid', ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toTopUp(r.Attributes!);
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // Paid already (its first paidAt stands) or absent.
      return this.getTopUp(accountId, topUpId);
    }
  }

  async markFailed(accountId: string, topUpId: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: accountPk(accountId), sk: `${TOPUP}${topUpId}` },
          UpdateExpression: 'SET #status = :failed, failedAt = :at',
          ConditionExpression: 'attribute_exists(sk) AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':failed': 'failed', ':pending': 'pending', ':at': at },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async wasProcessed(accountId: string, eventId: string, now: Date): Promise<boolean> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: `${EVT}${eventId}` }, ConsistentRead: true }),
    );
    // TTL deletion is lazy (and absent in dynalite): an expired record counts as gone.
    return !!r.Item && Number(r.Item.expiresAt) > Math.floor(now.getTime() / 1000);
  }

  async recordProcessed(accountId: string, eventId: string, record: { outcome: string; processedAt: string; expiresAt: number }): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: accountPk(accountId), sk: `${EVT}${eventId}`, eventId, ...record },
          // An expired record not yet deleted by TTL may be replaced.
          ConditionExpression: 'attribute_not_exists(sk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(Date.parse(record.processedAt) / 1000) },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
}
