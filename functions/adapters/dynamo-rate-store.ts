/**
 * Cooldown records (`ACCT#id` / `COOLDOWN#<startedAt>`), one per started cooldown, with the TTL attribute
 * `expiresAt`: DynamoDB deletes them after the cooldown (lazily; never locally). The window and the
 * cooldown that decide attempts live on the balance item (`dynamo-store.ts`), so that one conditional
 * write counts and charges an attempt; the record is written once, after the guarded write that started
 * the cooldown, for operators and for consumers of the table's stream.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RateLimitStore } from '../core/rate-limit.ts';
import { accountPk } from './dynamo-store.ts';

export class DynamoRateStore implements RateLimitStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string) {}

  async recordCooldown(accountId: string, c: { startedAt: string; until: string; expiresAt: number }): Promise<void> {
    // Keyed by its start: a repeated write of the same cooldown rewrites the same item.
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: accountPk(accountId), sk: `COOLDOWN#${c.startedAt}`, cooldownStartedAt: c.startedAt, cooldownUntil: c.until, expiresAt: c.expiresAt },
      }),
    );
  }
}
