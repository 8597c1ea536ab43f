/**
 * Operator usage counters on DynamoDB: one item per UTC day and shard (`USAGE#<shard>` / `<YYYY-MM-DD>`)
 * whose attributes are the counters, added to atomically (UpdateItem ADD). A write picks a shard at random,
 * so a burst of generations spreads over `USAGE_SHARDS` partitions; a read sums the shards' days.
 * Subscribers per plan come from the refresh-due index, which lists every account with its plan.
 */
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LIMITS, PLAN_IDS, type PlanId } from '../config.ts';
import type { UsageCounters, UsageStore } from '../core/operator-usage.ts';
import { log } from '../observability/log.ts';

const USAGE_SHARDS = 8;
const usagePk = (shard: number) => `USAGE#${shard}`;

export class DynamoUsageStore implements UsageStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async add(at: string, counters: UsageCounters): Promise<void> {
    const entries = Object.entries(counters).filter(([, v]) => Number.isInteger(v) && v > 0);
    if (entries.length === 0) return;
    await this.doc
      .send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: usagePk(Math.floor(Math.random() * USAGE_SHARDS)), sk: at.slice(0, 10) },
        UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#c${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
      }),
    )
      .catch((err: unknown) => {
        // The counters are lost, the outcome they count stands: say which (names only, no merchant data).
        log.warn('usage counters not written', { counters: entries.map(([k]) => k), error: err instanceof Error ? err.name : String(err) });
      });
  }

  async sum(fromDay: string, toDay: string): Promise<UsageCounters> {
    const out: UsageCounters = {};
    await Promise.all(
      Array.from({ length: USAGE_SHARDS }, async (_, shard) => {
        let start: Record<string, unknown> | undefined;
        do {
          const r = await this.doc.send(
            new QueryCommand({
              TableName: this.table,
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
              ExpressionAttributeValues: { ':pk': usagePk(shard), ':from': fromDay, ':to': toDay },
              ExclusiveStartKey: start,
            }),
          );
          for (const item of r.Items ?? []) {
            for (const [k, v] of Object.entries(item)) if (k !== 'pk' && k !== 'sk' && typeof v === 'number') out[k] = (out[k] ?? 0) + v;
          }
          start = r.LastEvaluatedKey;
        } while (start);
      }),
    );
    return out;
  }

  async subscribers(): Promise<Partial<Record<PlanId, number>>> {
    const out: Partial<Record<PlanId, number>> = {};
    await Promise.all(
      Array.from({ length: LIMITS.refreshDueShards }, async (_, shard) => {
        let start: Record<string, unknown> | undefined;
        do {
          const r = await this.doc.send(
            new QueryCommand({
              TableName: this.table,
              IndexName: 'refresh-due',
              KeyConditionExpression: 'dueShard = :s',
              ExpressionAttributeValues: { ':s': `due#${shard}` },
              ProjectionExpression: '#p',
              ExpressionAttributeNames: { '#p': 'plan' },
              ExclusiveStartKey: start,
            }),
          );
          for (const item of r.Items ?? []) {
            const plan = item.plan as PlanId;
            if (PLAN_IDS.includes(plan)) out[plan] = (out[plan] ?? 0) + 1;
          }
          start = r.LastEvaluatedKey;
        } while (start);
      }),
    );
    return out;
  }
}
