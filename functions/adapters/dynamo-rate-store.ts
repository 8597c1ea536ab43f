/**
 * The rate-limit item (`ACCT#id` / `RATE`): window start/end, attempt count, cooldown end and the TTL
 * attribute `expiresAt`. Every write is conditional on what the caller saw, so concurrent attempts
 * count exactly and exactly one of them starts a cooldown.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RateLimitStore, RateState, RateWrite } from '../core/rate-limit.ts';
import { isConditionFailure } from './dynamo-client.ts';
import { accountPk } from './dynamo-store.ts';

const RATE = 'RATE';

const toState = (i: Record<string, unknown>): RateState => ({
  windowStart: i.windowStart as string,
  windowEnd: i.windowEnd as string,
  count: i.count as number,
  cooldownUntil: i.cooldownUntil as string | undefined,
});

export class DynamoRateStore implements RateLimitStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string) {}

  async getRate(accountId: string): Promise<RateState | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: RATE }, ConsistentRead: true }));
    return r.Item ? toState(r.Item) : null;
  }

  private async update(accountId: string, input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>): Promise<RateWrite> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: RATE }, ReturnValues: 'ALL_NEW', ...input }),
      );
      return { ok: true, state: toState(r.Attributes!) };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return { ok: false, state: await this.getRate(accountId) };
    }
  }

  increment(accountId: string, now: string, max: number): Promise<RateWrite> {
    return this.update(accountId, {
      UpdateExpression: 'SET #c = #c + :one',
      ConditionExpression: 'windowEnd > :now AND #c < :max AND (attribute_not_exists(cooldownUntil) OR cooldownUntil <= :now)',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':now': now, ':max': max },
    });
  }

  openWindow(accountId: string, state: RateState, previousEnd: string | null, now: string, expiresAt: number): Promise<RateWrite> {
    return this.update(accountId, {
      UpdateExpression: 'SET windowStart = :ws, windowEnd = :we, #c = :c, expiresAt = :exp REMOVE cooldownUntil',
      ConditionExpression:
        (previousEnd === null ? 'attribute_not_exists(pk)' : 'windowEnd = :prev') +
        ' AND (attribute_not_exists(cooldownUntil) OR cooldownUntil <= :now)',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: {
        ':ws': state.windowStart,
        ':we': state.windowEnd,
        ':c': state.count,
        ':exp': expiresAt,
        ':now': now,
        ...(previousEnd === null ? {} : { ':prev': previousEnd }),
      },
    });
  }

  startCooldown(accountId: string, windowEnd: string, until: string, now: string, max: number, expiresAt: number): Promise<RateWrite> {
    // The window ends with the cooldown, so the first attempt after it opens a fresh window.
    return this.update(accountId, {
      UpdateExpression: 'SET cooldownUntil = :until, windowEnd = :until, expiresAt = :exp',
      ConditionExpression: 'windowEnd = :we AND #c >= :max AND (attribute_not_exists(cooldownUntil) OR cooldownUntil <= :now)',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: { ':until': until, ':we': windowEnd, ':max': max, ':now': now, ':exp': expiresAt },
    });
  }

  async release(accountId: string, windowStart: string): Promise<void> {
    await this.update(accountId, {
      UpdateExpression: 'SET #c = #c - :one',
      ConditionExpression: 'windowStart = :ws AND #c > :zero AND attribute_not_exists(cooldownUntil)',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':ws': windowStart },
    });
  }
}
