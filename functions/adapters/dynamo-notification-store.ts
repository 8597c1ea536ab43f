/**
 * Notifications on DynamoDB: items in the account's collection (`ACCT#<id>` / `NOTIF#<notification id>`),
 * keyed by time-ordered id, so the newest come first and a cursor is the last id seen. A notification
 * written twice under its (derived) id is written once.
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#zod';
import type { Notification, NotificationStore } from '../core/ports.ts';
import { decodeCursor, encodeCursor, idOf } from './cursor.ts';
import { isConditionFailure, newestFirst } from './dynamo-client.ts';
import { accountPk } from './dynamo-store.ts';

const NotificationCursor = z.strictObject({ id: idOf('ntf') });
const NOTIF = 'NOTIF#';

export class DynamoNotificationStore implements NotificationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async add(accountId: string, n: Omit<Notification, 'readAt'>): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: accountPk(accountId), sk: `${NOTIF}${n.id}`, ...n },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async list(accountId: string, limit: number, cursor?: string): Promise<{ items: Notification[]; nextCursor: string | null }> {
    const after = cursor ? decodeCursor(cursor, NotificationCursor).id : undefined;
    const rows = await newestFirst(this.doc, this.table, accountPk(accountId), NOTIF, limit, after);
    const items = rows.slice(0, limit).map(({ pk: _p, sk: _s, ...rest }) => ({ ...rest, readAt: rest.readAt ?? null }) as Notification);
    const more = rows.length > limit;
    return { items, nextCursor: more ? encodeCursor({ id: items[items.length - 1].id }) : null };
  }

  async markRead(accountId: string, id: string, at: string): Promise<Notification | null> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: accountPk(accountId), sk: `${NOTIF}${id}` },
          UpdateExpression: 'SET readAt = if_not_exists(readAt, :at)', // the first read mark wins
          ConditionExpression: 'attribute_exists(sk)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const { pk: _p, sk: _s, ...rest } = r.Attributes!;
      return rest as Notification;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  }
}
