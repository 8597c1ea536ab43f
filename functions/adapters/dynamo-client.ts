/**
 * The DynamoDB clients, built once per process (cold start). Locally the endpoint points at dynalite.
 * Every request passes a counting middleware so benchmarks report requests, not estimates.
 */
import { DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Env } from '../env.ts';
import { traced } from '../observability/tracer.ts';
import { dynamoActions, recordCalls } from './aws-calls.ts';
import { roleCredentials } from './aws-credentials.ts';

/** Requests sent, by command name (GetItem, UpdateItem, ...), since the last reset. */
export const dynamoRequestCounts: Record<string, number> = {};

export function resetDynamoRequestCounts(): void {
  for (const k of Object.keys(dynamoRequestCounts)) delete dynamoRequestCounts[k];
}

export interface DynamoClients {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
}

export function makeDynamoClients(env: Pick<Env, 'AWS_REGION' | 'DYNAMODB_ENDPOINT'>): DynamoClients {
  // Traced (X-Ray subsegments per call) when the Tracer is enabled; the document client wraps it.
  const client = traced(new DynamoDBClient({
    region: env.AWS_REGION,
    ...(env.DYNAMODB_ENDPOINT
      ? { endpoint: env.DYNAMODB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : { credentials: roleCredentials }),
    maxAttempts: 4,
  }));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      dynamoRequestCounts[name] = (dynamoRequestCounts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  recordCalls(client, dynamoActions);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc };
}

export function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/**
 * The item a refused conditional write carries when it asked for `ReturnValuesOnConditionCheckFailure:
 * ALL_OLD` (the item as the failed check saw it), as plain values; undefined when there was no item.
 * So the loser of a race learns why without a read of its own. The document client does not
 * unmarshall errors, hence `unmarshall` here.
 */
export function refusedItem(err: unknown): Record<string, unknown> | undefined {
  const item = (err as { Item?: Record<string, AttributeValue> } | null)?.Item;
  return item ? unmarshall(item) : undefined;
}

/** Every page of a query (at most about `max` items): the reads that sum or sort what they find. */
export async function queryAll(doc: DynamoDBDocumentClient, input: ConstructorParameters<typeof QueryCommand>[0], max = Infinity): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    out.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start && out.length < max);
  return out;
}

/**
 * One page of items of `pk` whose sort keys are `prefix` + a time-ordered id, newest first, below the id
 * `before` (exclusive): up to `limit + 1` items after dropping `before` itself, so the caller knows
 * whether another page follows. (The key range includes `before`'s own item: one more is asked for then.)
 */
export async function newestFirst(doc: DynamoDBDocumentClient, table: string, pk: string, prefix: string, limit: number, before?: string): Promise<Record<string, any>[]> {
  const r = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: before ? 'pk = :pk AND sk BETWEEN :lo AND :hi' : 'pk = :pk AND begins_with(sk, :lo)',
      ExpressionAttributeValues: before ? { ':pk': pk, ':lo': prefix, ':hi': `${prefix}${before}` } : { ':pk': pk, ':lo': prefix },
      ScanIndexForward: false,
      Limit: limit + (before ? 2 : 1),
    }),
  );
  return (r.Items ?? []).filter((i) => i.id !== before);
}

/**
 * Puts items with BatchWriteItem, 25 per request, retrying unprocessed ones with backoff; `what` names
 * the work in the error when they stay unprocessed.
 */
export async function batchPut(doc: DynamoDBDocumentClient, table: string, items: Array<Record<string, unknown>>, what: string): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`${what}: unprocessed items after retries`);
      const r = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (r.UnprocessedItems?.[table] ?? []) as typeof requests;
      if (requests.length) await new Promise((res) => setTimeout(res, 20 * 2 ** attempt));
    }
  }
}
