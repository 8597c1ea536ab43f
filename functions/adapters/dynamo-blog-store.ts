/**
 * Blog posts (`BLOG#id`) in the account's item collection: another account's post simply is not
 * there, which makes it a 404. Ids are time-ordered, so a backwards query lists newest first.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BlogPostRecord, BlogPostStatus, BlogPostStore, Transition } from '../core/blog-posts.ts';
import * as z from '#zod';
import { decodeCursor, encodeCursor, idOf } from './cursor.ts';
import { isConditionFailure, refusedItem } from './dynamo-client.ts';
import { accountPk } from './dynamo-store.ts';

const SK = 'BLOG#';
type Item = Record<string, unknown>;

function toPost(item: Item): BlogPostRecord {
  const { pk: _p, sk: _s, ...rest } = item;
  return { publishedAt: null, canceledAt: null, notifiedAt: null, ...rest } as BlogPostRecord;
}

const BlogCursor = z.strictObject({ id: idOf('post') });

export class DynamoBlogStore implements BlogPostStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string) {}

  private key(accountId: string, id: string) {
    return { pk: accountPk(accountId), sk: `${SK}${id}` };
  }

  async create(post: BlogPostRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { ...this.key(post.accountId, post.id), ...post }, ConditionExpression: 'attribute_not_exists(sk)' }),
    );
  }

  async get(accountId: string, id: string): Promise<BlogPostRecord | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: this.key(accountId, id), ConsistentRead: true }));
    return r.Item ? toPost(r.Item) : null;
  }

  async list(accountId: string, statuses: readonly BlogPostStatus[], limit: number, cursor?: string) {
    const names = { '#s': 'status' };
    const values: Record<string, unknown> = { ':pk': accountPk(accountId), ':sk': SK };
    statuses.forEach((s, i) => (values[`:s${i}`] = s));
    const items: BlogPostRecord[] = [];
    let start: Item | undefined = cursor ? this.key(accountId, decodeCursor(cursor, BlogCursor).id) : undefined;
    // The status filter applies after each page is read, so keep reading until the page is full.
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          FilterExpression: `#s IN (${statuses.map((_, i) => `:s${i}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          ExclusiveStartKey: start,
          Limit: limit + 1 - items.length,
        }),
      );
      for (const item of r.Items ?? []) items.push(toPost(item));
      start = r.LastEvaluatedKey;
    } while (start && items.length <= limit);
    const page = items.slice(0, limit);
    const more = items.length > limit || (start !== undefined && page.length === limit);
    return { items: page, nextCursor: more ? encodeCursor({ id: page[page.length - 1].id }) : null };
  }

  async leaveScheduled(accountId: string, id: string, to: 'published' | 'canceled', at: string): Promise<Transition> {
    const stamp = to === 'published' ? 'publishedAt' : 'canceledAt';
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(accountId, id),
          UpdateExpression: 'SET #s = :to, #at = :at',
          ConditionExpression: '#s = :scheduled',
          ExpressionAttributeNames: { '#s': 'status', '#at': stamp },
          ExpressionAttributeValues: { ':to': to, ':at': at, ':scheduled': 'scheduled' },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true, post: toPost(r.Attributes!) };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // The losing side (a retry, a race with cancel) learns why from the item its refused write carries.
      const item = refusedItem(err);
      return { ok: false, post: item ? toPost(item) : null };
    }
  }

  async markNotified(accountId: string, id: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(accountId, id),
        UpdateExpression: 'SET notifiedAt = :at',
        ConditionExpression: 'attribute_exists(sk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async remove(accountId: string, id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: this.key(accountId, id) }));
  }
}
