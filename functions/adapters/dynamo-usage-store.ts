/**
 * Operator usage on DynamoDB. Generations: the `usage-by-time` index over generation items (and failed
 * generations' facts), sharded by `ush`, and one rollup item per finished day (`USAGE#rollup` / `<day>`).
 * Top-ups: one counter item per UTC day and shard (`USAGE#<shard>` / `<day>`), added to atomically (ADD)
 * on the billing path; a write picks a shard at random, a read sums the shards' days. Subscribers per plan
 * come from the refresh-due index, which lists every account with its plan.
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './dynamo-client.ts';
import { LIMITS, PLAN_IDS, type PlanId } from '../config.ts';
import type { GenerationUsageRow, UsageCounters, UsageStore } from '../core/operator-usage.ts';
import { USAGE_SHARDS as GENERATION_SHARDS } from './dynamo-generation-store.ts';
import { log } from '../observability/log.ts';

const USAGE_SHARDS = 8;
const usagePk = (shard: number) => `USAGE#${shard}`;
const ROLLUP_PK = 'USAGE#rollup';
const counterOf = (item: Record<string, unknown>): UsageCounters =>
  Object.fromEntries(Object.entries(item).filter(([k, v]) => k !== 'pk' && k !== 'sk' && typeof v === 'number')) as UsageCounters;

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

  async generationRows(from: string, to: string): Promise<GenerationUsageRow[]> {
    const shards = await Promise.all(
      Array.from({ length: GENERATION_SHARDS }, (_, n) =>
        queryAll(this.doc, {
          TableName: this.table,
          IndexName: 'usage-by-time',
          KeyConditionExpression: 'ush = :s AND createdAt BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':s': `use#${n}`, ':from': from, ':to': to },
        }),
      ),
    );
    // BETWEEN is inclusive: `to` is not.
    return shards.flat().filter((i) => (i.createdAt as string) < to) as unknown as GenerationUsageRow[];
  }

  async rollups(fromDay: string, toDay: string): Promise<Record<string, UsageCounters>> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': ROLLUP_PK, ':from': fromDay, ':to': toDay },
    });
    return Object.fromEntries(items.map((i) => [i.sk as string, counterOf(i)]));
  }

  async putRollup(day: string, counters: UsageCounters): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...counters, pk: ROLLUP_PK, sk: day } }));
  }

  async sum(fromDay: string, toDay: string): Promise<UsageCounters> {
    const days = await Promise.all(
      Array.from({ length: USAGE_SHARDS }, (_, shard) =>
        queryAll(this.doc, {
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': usagePk(shard), ':from': fromDay, ':to': toDay },
        }),
      ),
    );
    const out: UsageCounters = {};
    for (const item of days.flat()) for (const [k, v] of Object.entries(counterOf(item))) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  async subscribers(): Promise<Partial<Record<PlanId, number>>> {
    const shards = await Promise.all(
      Array.from({ length: LIMITS.refreshDueShards }, (_, shard) =>
        queryAll(this.doc, {
          TableName: this.table,
          IndexName: 'refresh-due',
          KeyConditionExpression: 'dueShard = :s',
          ExpressionAttributeValues: { ':s': `due#${shard}` },
          ProjectionExpression: '#p',
          ExpressionAttributeNames: { '#p': 'plan' },
        }),
      ),
    );
    const out: Partial<Record<PlanId, number>> = {};
    for (const item of shards.flat()) {
      const plan = item.plan as PlanId;
      if (PLAN_IDS.includes(plan)) out[plan] = (out[plan] ?? 0) + 1;
    }
    return out;
  }
}
