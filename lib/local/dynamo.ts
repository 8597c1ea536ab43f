/**
 * dynalite: a real server speaking the DynamoDB wire protocol, on disk (LevelDB) or in memory.
 * Tables are created from the same definitions (`lib/wiring.ts`) the CDK stack realises.
 */
import { createServer } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
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
      Projection: { ProjectionType: ix.projection },
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

/** Creates a table unless it exists (data under `.data/` survives restarts). */
export async function ensureTable(client: DynamoDBClient, def: CreateTableCommandInput): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: def.TableName }));
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

export async function startDynalite(opts: { port?: number; path?: string }): Promise<LocalDynamo> {
  const server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = opts.port ?? (await freePort());
  const requests: Record<string, number> = {};
  (server as unknown as import('node:http').Server).on('request', (req: import('node:http').IncomingMessage) => {
    const op = String(req.headers['x-amz-target'] ?? 'unknown').split('.').pop()!;
    requests[op] = (requests[op] ?? 0) + 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets from SDK clients would hold close() open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

export async function createTables(endpoint: string, tableName: string, idempotencyTableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(client, mainTableDefinition(tableName));
  await ensureTable(client, idempotencyTableDefinition(idempotencyTableName));
  client.destroy();
}
