/**
 * Two DynamoDB behaviours the stores rely on, as the local dynalite gives them: a refused conditional
 * write asked for `ReturnValuesOnConditionCheckFailure: ALL_OLD` carries the item its check saw (so the
 * loser of a race needs no read), and a nested SET into a map the item lacks is refused (the ledger's
 * fence against earlier-version writers, see `dynamo-store.ts`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedItem } from '../../functions/adapters/dynamo-client.ts';
import { createTables, startDynalite, type LocalDynamo } from '../../lib/local/dynamo.ts';

let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
const TableName = 'fidelity-main';
const Key = { pk: 'ACCT#f', sk: 'BALANCE' };

beforeAll(async () => {
  dynamo = await startDynalite({});
  await createTables(dynamo.endpoint, TableName, 'fidelity-idem');
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
});
afterAll(async () => {
  doc.destroy();
  await dynamo.close();
});

const refuse = (extra: Record<string, unknown>) =>
  doc
    .send(new UpdateCommand({ TableName, Key, UpdateExpression: 'SET bal = bal - :c', ConditionExpression: 'bal >= :c', ExpressionAttributeValues: { ':c': 5 }, ...extra }))
    .then(
      () => undefined,
      (err: unknown) => err,
    );

describe('dynalite as DynamoDB answers conditional writes', () => {
  it('given an item with 3, when a write guarded on 5 is refused with ALL_OLD, then the error carries the item as checked; without it, no item', async () => {
    await doc.send(new PutCommand({ TableName, Item: { ...Key, bal: 3, tags: new Set(['a']) } }));
    const withOld = await refuse({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    expect((withOld as Error).name).toBe('ConditionalCheckFailedException');
    expect(refusedItem(withOld)).toEqual({ ...Key, bal: 3, tags: new Set(['a']) });
    expect(refusedItem(await refuse({ ReturnValuesOnConditionCheckFailure: 'NONE' }))).toBeUndefined();
    expect(refusedItem(await refuse({}))).toBeUndefined();
  });

  it('given an item without an `outbox` map, when a write sets a path inside it, then DynamoDB refuses it (ValidationException) and the item is unchanged', async () => {
    await doc.send(new PutCommand({ TableName, Item: { ...Key, bal: 3 } }));
    const err = await doc
      .send(new UpdateCommand({ TableName, Key, UpdateExpression: 'SET bal = bal - :c, outbox.#e = :e', ExpressionAttributeNames: { '#e': 'led_1' }, ExpressionAttributeValues: { ':c': 1, ':e': 'x' }, ReturnValues: 'ALL_NEW' }))
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationException');
    const after = await doc.send(new UpdateCommand({ TableName, Key, UpdateExpression: 'SET bal = bal', ReturnValues: 'ALL_NEW' }));
    expect(after.Attributes).toEqual({ ...Key, bal: 3 });
  });
});
