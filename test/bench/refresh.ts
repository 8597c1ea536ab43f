/**
 * The monthly refresh job over 10,000 due accounts on dynalite (in memory): accounts refreshed per second
 * and DynamoDB requests per refreshed account, counted by the SDK middleware, by command. dynalite and
 * the SDK share one Node thread here, so the absolute rate is this machine's, not DynamoDB's: it is
 * printed beside a floor (raw UpdateItem/s at the job's concurrency, same run) to make it comparable.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LIMITS } from '../../functions/config.ts';
import { parseEnv } from '../../functions/env.ts';
import { dynamoRequestCounts, resetDynamoRequestCounts } from '../../functions/adapters/dynamo-client.ts';
import { refreshDueAccounts } from '../../functions/core/refresh-job.ts';
import { buildDeps } from '../../lib/local/deps.ts';
import { LOCAL_ENV, UNSERVED_QUEUE_URLS } from '../../lib/local/env.ts';
import { createTables, startDynalite } from '../../lib/local/dynamo.ts';
import { createDueAccounts } from '../support/due-accounts.ts';

const ACCOUNTS = 10_000;
/** The job's default: 3 per shard × 16 shards. */
const IN_FLIGHT = 3 * LIMITS.refreshDueShards;

const total = () => Object.values(dynamoRequestCounts).reduce((a, b) => a + b, 0);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function benchRefresh(): Promise<Record<string, number | string>> {
  const dynamo = await startDynalite({});
  const source = { ...LOCAL_ENV, ...UNSERVED_QUEUE_URLS, CHECKOUT_BASE_URL: 'http://127.0.0.1/local/checkout', ...process.env, DYNAMODB_ENDPOINT: dynamo.endpoint, LOG_LEVEL: 'SILENT' };
  const env = parseEnv(source);
  await createTables(dynamo.endpoint, env.TABLE_NAME, env.IDEMPOTENCY_TABLE_NAME);
  const deps = buildDeps(source);
  try {
    let t = performance.now();
    const ids = await createDueAccounts(deps, 'bench_due', ACCOUNTS);
    const setupSeconds = (performance.now() - t) / 1000;

    // Floor: one plain UpdateItem per account at the job's concurrency (no condition, no outbox).
    const sample = ids.slice(0, 2000);
    let next = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < sample.length) {
          const id = sample[next++];
          await deps.dynamo.doc.send(
            new UpdateCommand({ TableName: env.TABLE_NAME, Key: { pk: `floor#${id}`, sk: 'x' }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 1 } }),
          );
        }
      }),
    );
    const floorPerSecond = sample.length / ((performance.now() - t) / 1000);

    resetDynamoRequestCounts();
    const cpu = process.cpuUsage();
    t = performance.now();
    const first = await refreshDueAccounts(deps);
    const seconds = (performance.now() - t) / 1000;
    const cpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpu));
    const byCommand = { ...dynamoRequestCounts };
    const requests = total();

    resetDynamoRequestCounts();
    const second = await refreshDueAccounts(deps);
    const secondRequests = total();

    const perAccount = (n: number | undefined) => round((n ?? 0) / Math.max(1, first.refreshed), 3);
    return {
      'due accounts': ACCOUNTS,
      'refreshed (first run)': first.refreshed,
      'failed (first run)': first.failed,
      'refreshed (second run)': second.refreshed,
      'requests of the second run (nothing due)': secondRequests,
      'seconds (first run)': round(seconds),
      'accounts/s': round(first.refreshed / seconds, 0),
      'CPU ms per account (SDK + dynalite, one thread)': round(cpuMs / Math.max(1, first.refreshed), 2),
      'DynamoDB requests per refreshed account': perAccount(requests),
      '  Query (refresh-due index) per account': perAccount(byCommand.Query),
      '  BatchGetItem per account': perAccount(byCommand.BatchGetItem),
      '  UpdateItem per account': perAccount(byCommand.UpdateItem),
      '  PutItem (notification) per account': perAccount(byCommand.PutItem),
      '  BatchWriteItem (ledger flush) per account': perAccount(byCommand.BatchWriteItem),
      'writes in flight': IN_FLIGHT,
      'floor: plain UpdateItem/s at the same concurrency': round(floorPerSecond, 0),
      'refreshed accounts/s ÷ floor UpdateItem/s': round(first.refreshed / seconds / floorPerSecond, 2),
      'setup seconds (10,000 accounts by BatchWriteItem)': round(setupSeconds),
    };
  } finally {
    deps.dynamo.client.destroy();
    await dynamo.close();
  }
}
