/**
 * Cap items on DynamoDB: `ACCT#<id>` / `CAP#<cap>` holds `n` (the count) and one attribute per taken
 * slot (`slot#<key>` = `{ ref, at }`), so the count and the slots change together in one conditional
 * `UpdateItem` (dynalite has no transactions, and none are needed). `n` always equals the number of
 * slot attributes: every write that adds or removes one moves `n` with it, guarded on that slot.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CapId, CapSlot, CapStore, TakeResult } from '../core/caps.ts';
import { isConditionFailure, refusedItem } from './dynamo-client.ts';
import { accountPk } from './dynamo-store.ts';

const SLOT = 'slot#';

export class DynamoCapStore implements CapStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string) {}

  private key(accountId: string, cap: CapId) {
    return { pk: accountPk(accountId), sk: `CAP#${cap}` };
  }

  async take(accountId: string, cap: CapId, slot: CapSlot, max: number): Promise<TakeResult> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(accountId, cap),
          UpdateExpression: 'SET #s = :slot ADD #n :one',
          ConditionExpression: 'attribute_not_exists(#s) AND (attribute_not_exists(#n) OR #n < :max)',
          ExpressionAttributeNames: { '#s': `${SLOT}${slot.key}`, '#n': 'n' },
          ExpressionAttributeValues: { ':slot': { ref: slot.ref, at: slot.at }, ':one': 1, ':max': max },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // Which guard failed: the refused write carries the item its check saw.
      const holder = slotsOf(refusedItem(err)).find((s) => s.key === slot.key);
      return holder ? { ok: false, reason: 'slot_taken', holder } : { ok: false, reason: 'full' };
    }
  }

  async give(accountId: string, cap: CapId, key: string, ref: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(accountId, cap),
          UpdateExpression: 'REMOVE #s ADD #n :minus',
          ConditionExpression: '#s.#ref = :ref',
          ExpressionAttributeNames: { '#s': `${SLOT}${key}`, '#n': 'n', '#ref': 'ref' },
          ExpressionAttributeValues: { ':ref': ref, ':minus': -1 },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async slots(accountId: string, cap: CapId): Promise<CapSlot[]> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: this.key(accountId, cap), ConsistentRead: true }));
    return slotsOf(r.Item);
  }
}

function slotsOf(item: Record<string, unknown> | undefined): CapSlot[] {
  return Object.entries(item ?? {})
    .filter(([name]) => name.startsWith(SLOT))
    .map(([name, v]) => ({ key: name.slice(SLOT.length), ref: String((v as CapSlot).ref), at: String((v as CapSlot).at) }));
}
