/**
 * The relay's side of the event outbox `eo` on the balance item (`DynamoCreditStore` appends to it with
 * each change that emits events): trimming what a relay sent, and the sparse `events-due` index of items
 * whose outbox holds events (`eventsDueAt`, the oldest one's time). Built only by the `outbound` port.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboundEvent, OutboxStore } from '../core/outbound.ts';
import { isConditionFailure } from './dynamo-client.ts';
import { dueQuery } from './dynamo-due-index.ts';
import { accountPk } from './dynamo-store.ts';

export class DynamoOutbox implements OutboxStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Highest index first (as the ledger trim: DynamoDB resolves every index before the update, dynalite one
   * after another). The head is compared as stored: `JSON.stringify` of an event read with `JSON.parse`
   * gives back the same string.
   */
  async trim(accountId: string, sent: readonly OutboundEvent[]): Promise<boolean> {
    const key = { pk: accountPk(accountId), sk: 'BALANCE' };
    const removes = Array.from({ length: sent.length }, (_, i) => `eo[${sent.length - 1 - i}]`).join(', ');
    const head = JSON.stringify(sent[0]);
    // All of it: the item leaves `events-due`. Else (events were added since the read) only what was sent goes.
    const attempts = [
      { UpdateExpression: `REMOVE ${removes}, eventsDueAt`, ConditionExpression: 'eo[0] = :head AND size(eo) = :n', ExpressionAttributeValues: { ':head': head, ':n': sent.length } },
      { UpdateExpression: `REMOVE ${removes}`, ConditionExpression: 'eo[0] = :head', ExpressionAttributeValues: { ':head': head } },
    ];
    for (const a of attempts) {
      try {
        await this.doc.send(new UpdateCommand({ TableName: this.table, Key: key, ...a }));
        return true;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
    return false;
  }

  dueAccounts(before: string, shard: number, cursor?: string, limit = 100): Promise<{ accountIds: string[]; cursor?: string }> {
    return dueQuery(this.doc, this.table, 'events-due', 'eventsDueAt', before, shard, cursor, limit);
  }
}
