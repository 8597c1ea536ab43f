/**
 * Content versions in the account's item collection: `PVER#<productId>#<field>#<versionId>`, the id
 * time-ordered, so a field's history reads newest first from one key range and its oldest are found
 * past the kept ones. A version's image keeps the stored result's key (not shown by the API).
 */
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#zod';
import { fieldOfVersion, type ContentField, type ContentHistoryStore, type ContentVersion } from '../core/content-history.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { ValidationFailed } from '../core/errors.ts';
import { accountPk } from './dynamo-store.ts';

// The product id is encoded, so no id (one containing `#`) can fall inside another product's key range.
const prefix = (productId: string, field: ContentField) => `PVER#${encodeURIComponent(productId)}#${field}#`;
const VersionCursor = z.strictObject({ pk: z.string(), sk: z.string().check(z.startsWith('PVER#'), z.maxLength(300)) });

function toVersion(item: Record<string, unknown>): ContentVersion {
  const { pk: _p, sk: _s, ...rest } = item;
  return rest as unknown as ContentVersion;
}

export class DynamoContentHistory implements ContentHistoryStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async putVersion(accountId: string, productId: string, v: ContentVersion, keep: number): Promise<void> {
    const pk = accountPk(accountId);
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk, sk: `${prefix(productId, v.field)}${v.versionId}`, ...v } }));
    // The ones past the newest `keep` go (usually one, or none): one read of the newest keys, a little past `keep`.
    const newest = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': pk, ':p': prefix(productId, v.field) },
        ScanIndexForward: false,
        Limit: keep + 25,
        ProjectionExpression: 'pk, sk',
      }),
    );
    const older = (newest.Items ?? []).slice(keep);
    if (older.length) await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: older.map((Key) => ({ DeleteRequest: { Key } })) } }));
  }

  async listVersions(accountId: string, productId: string, field: ContentField, limit: number, cursor?: string) {
    const start = cursor ? decodeCursor(cursor, VersionCursor) : undefined;
    // A cursor of another account, product or field is not one this list issued.
    if (start && (start.pk !== accountPk(accountId) || !start.sk.startsWith(prefix(productId, field)))) {
      throw new ValidationFailed([{ path: 'query.cursor', message: 'not a cursor this API returned' }]);
    }
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': accountPk(accountId), ':p': prefix(productId, field) },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: (r.Items ?? []).map(toVersion), nextCursor: r.LastEvaluatedKey ? encodeCursor(r.LastEvaluatedKey) : null };
  }

  async getVersion(accountId: string, productId: string, versionId: string): Promise<ContentVersion | null> {
    const field = fieldOfVersion(versionId);
    if (!field) return null;
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: `${prefix(productId, field)}${versionId}` } }));
    return r.Item ? toVersion(r.Item) : null;
  }
}
