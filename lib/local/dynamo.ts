/**
 * dynalite: a real server speaking the DynamoDB wire protocol, on disk (LevelDB) or in memory.
 * Tables are created from the same definitions (`lib/wiring.ts`) the CDK stack realises.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { IDEMPOTENCY_TABLE, TABLE } from '../wiring.ts';

export interface LocalDynamo {
  endpoint: string;
  port: number;
  /**
   * Requests received, by operation (GetItem, UpdateItem, ...), from any client: the functions run in
   * workers of their own, so only the server sees all of them. Benchmarks reset and read it.
   */
  requests: Record<string, number>;
  /**
   * Capacity units consumed, by operation, while `meterCapacity` is on: each request is then asked for
   * `ReturnConsumedCapacity: TOTAL` on its way in (dynalite bills like DynamoDB: ceil(size / 1 KB) of the
   * larger of the old and new item per write), and the answer is read on its way out. Off by default, so
   * the functions see exactly what they asked for.
   */
  capacity: Record<string, number>;
  meterCapacity: boolean;
  close(): Promise<void>;
}

export function mainTableDefinition(tableName: string): CreateTableCommandInput {
  const attrs = new Map<string, 'S'>([[TABLE.partitionKey, 'S'], [TABLE.sortKey, 'S']]);
  for (const ix of TABLE.indexes) (attrs.set(ix.partitionKey, 'S'), attrs.set(ix.sortKey, 'S'));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE.indexes.map((ix) => ({
      IndexName: ix.name,
      KeySchema: [
        { AttributeName: ix.partitionKey, KeyType: 'HASH' },
        { AttributeName: ix.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: ix.projection, ...('include' in ix ? { NonKeyAttributes: [...ix.include] } : {}) },
    })),
  };
}

export function idempotencyTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
  };
}

/**
 * Creates a table unless it exists (data under `.data/` survives restarts). A table kept from an
 * earlier version that lacks an index of the definition, or has it with another projection, is rebuilt
 * with it, its items copied over: dynalite cannot add or change an index of a table.
 */
export async function ensureTable(client: DynamoDBClient, def: CreateTableCommandInput): Promise<void> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: def.TableName }));
    // An index is the same when its name and projection are (a projection cannot change in place either).
    const same = (ix: { IndexName?: string; Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] } }) =>
      `${ix.IndexName}|${ix.Projection?.ProjectionType}|${[...(ix.Projection?.NonKeyAttributes ?? [])].sort().join(',')}`;
    const have = new Set((Table?.GlobalSecondaryIndexes ?? []).map(same));
    if ((def.GlobalSecondaryIndexes ?? []).every((ix) => have.has(same(ix)))) return;
    await rebuildTable(client, def);
    return;
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
  }
  try {
    await client.send(new CreateTableCommand(def));
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceInUseException') throw err;
  }
}

/** Reads every item, recreates the table from `def` and writes them back (local data, a few MB at most). */
async function rebuildTable(client: DynamoDBClient, def: CreateTableCommandInput): Promise<void> {
  const items: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: def.TableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  await client.send(new DeleteTableCommand({ TableName: def.TableName }));
  await client.send(new CreateTableCommand(def));
  for (let i = 0; i < items.length; i += 25) {
    let batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (batch.length) {
      const r = await client.send(new BatchWriteItemCommand({ RequestItems: { [def.TableName!]: batch } }));
      batch = (r.UnprocessedItems?.[def.TableName!] ?? []) as typeof batch;
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * dynalite drops `ReturnValuesOnConditionCheckFailure` (its request validation keeps only the parameters
 * it knows), which DynamoDB honours: a failed conditional write with `ALL_OLD` carries the item as the
 * check saw it, so a refused charge needs no read to say why. The parameter is added to the known ones
 * of PutItem, UpdateItem and DeleteItem, and dynalite checks every condition through
 * `db.checkConditional(data, existingItem)` inside the item's lock, so wrapping that one function returns
 * exactly the item the failed check saw, as DynamoDB does (the error body's `Item`, in attribute-value
 * form). Done once per process.
 */
let returnsOldOnFailure = false;
function returnOldItemOnConditionFailure(): void {
  if (returnsOldOnFailure) return;
  returnsOldOnFailure = true;
  const require = createRequire(import.meta.url);
  for (const action of ['putItem', 'updateItem', 'deleteItem']) {
    const { types } = require(`dynalite/validations/${action}.js`) as { types: Record<string, unknown> };
    types.ReturnValuesOnConditionCheckFailure = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
  }
  const db = require('dynalite/db/index.js') as {
    checkConditional: (data: Record<string, unknown>, existingItem?: Record<string, unknown>) => ({ body: Record<string, unknown> } & Error) | null | undefined;
  };
  const check = db.checkConditional;
  db.checkConditional = (data, existingItem) => {
    const failed = check(data, existingItem);
    if (failed && existingItem && data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') failed.body.Item = existingItem;
    return failed;
  };
}

export async function startDynalite(opts: { port?: number; path?: string }): Promise<LocalDynamo> {
  returnOldItemOnConditionFailure();
  const server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = opts.port ?? (await freePort());
  const requests: Record<string, number> = {};
  const capacity: Record<string, number> = {};
  const http = server as unknown as import('node:http').Server;
  const [handle] = http.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  http.removeAllListeners('request');
  const local = { meterCapacity: false };
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const op = String(req.headers['x-amz-target'] ?? 'unknown').split('.').pop()!;
    requests[op] = (requests[op] ?? 0) + 1;
    if (!local.meterCapacity) return handle(req, res);
    meter(req, res, op, capacity, handle);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    capacity,
    get meterCapacity() {
      return local.meterCapacity;
    },
    set meterCapacity(on: boolean) {
      local.meterCapacity = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets from SDK clients would hold close() open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/**
 * Hands dynalite the request with `ReturnConsumedCapacity: TOTAL` added (a fresh stream carrying the
 * request's method, URL and headers) and adds up the `ConsumedCapacity` of its answer.
 */
function meter(req: IncomingMessage, res: ServerResponse, op: string, into: Record<string, number>, handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    try {
      const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      input.ReturnConsumedCapacity ??= 'TOTAL';
      body = Buffer.from(JSON.stringify(input));
    } catch {
      /* not JSON: dynalite answers it as it would */
    }
    const copy = Object.assign(Readable.from([body]), {
      method: req.method,
      url: req.url,
      headers: { ...req.headers, 'content-length': String(body.length) },
    }) as unknown as IncomingMessage;
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) {
        try {
          const out = JSON.parse(chunk.toString()) as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> };
          const consumed = out.ConsumedCapacity;
          for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) into[op] = (into[op] ?? 0) + (c.CapacityUnits ?? 0);
        } catch {
          /* an error body or a health check */
        }
      }
      return end(chunk, ...rest);
    }) as typeof res.end;
    handle(copy, res);
  });
}

export async function createTables(endpoint: string, tableName: string, idempotencyTableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(client, mainTableDefinition(tableName));
  await ensureTable(client, idempotencyTableDefinition(idempotencyTableName));
  client.destroy();
}
