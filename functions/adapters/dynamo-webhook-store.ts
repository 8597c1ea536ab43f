/**
 * The webhook registry and deliveries log on DynamoDB.
 * - Registry: one item, `WEBHOOKS` / `ENDPOINTS`, with `n` (the count) and one attribute per endpoint
 *   (`ep#<id>` = `{ url, events, createdAt }`). Adding is `n < :max AND slot free` → set it, `n + 1`, in
 *   one conditional `UpdateItem`, so parallel registrations never pass the cap; removing is guarded on the
 *   endpoint being there, so `n` always counts the endpoints. Twenty endpoints are a few KB: every
 *   delivery batch reads it with one consistent `GetItem`, and a removal stops deliveries at once.
 * - Log: `WHEP#<endpoint id>` / `DLV#<attempt id>` (time-ordered ids, newest first by a backward query),
 *   kept `webhookDeliveriesKeptDays` by TTL (expiry is also compared on read).
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#zod';
import { LIMITS } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import { epochSeconds } from '../core/clock.ts';
import { newId } from '../core/ids.ts';
import type { DeliveryAttempt, WebhookEndpoint, WebhookStore } from '../core/webhooks.ts';
import { log } from '../observability/log.ts';
import { decodeCursor, encodeCursor, idOf } from './cursor.ts';
import { isConditionFailure, newestFirst } from './dynamo-client.ts';

const REGISTRY = { pk: 'WEBHOOKS', sk: 'ENDPOINTS' } as const;
const EP = 'ep#';
const DLV = 'DLV#';
const DeliveryCursor = z.strictObject({ id: idOf('dlv') });

const logPk = (endpointId: string) => `WHEP#${endpointId}`;

export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /** One guarded write of the registry item on endpoint `id` (`#e`) and the count (`#n`): false when the guard failed. */
  private async guarded(id: string, update: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: REGISTRY,
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#e': `${EP}${id}`, '#n': 'n' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** The id is fresh and random: a failed guard is the cap. */
  add(endpoint: WebhookEndpoint, max: number): Promise<boolean> {
    const { id, ...value } = endpoint;
    return this.guarded(id, 'SET #e = :e ADD #n :one', 'attribute_not_exists(#e) AND (attribute_not_exists(#n) OR #n < :max)', { ':e': value, ':one': 1, ':max': max });
  }

  remove(id: string): Promise<boolean> {
    return this.guarded(id, 'REMOVE #e ADD #n :minus', 'attribute_exists(#e)', { ':minus': -1 });
  }

  async list(): Promise<WebhookEndpoint[]> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: REGISTRY, ConsistentRead: true }));
    return Object.entries(r.Item ?? {})
      .filter(([name]) => name.startsWith(EP))
      .map(([name, v]) => ({ id: name.slice(EP.length), ...(v as Omit<WebhookEndpoint, 'id'>) }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Best effort: a log write that fails is logged, and the delivery goes on (re-sending the event to every endpoint would be worse). */
  async logAttempt(endpointId: string, attempt: DeliveryAttempt): Promise<void> {
    const at = new Date(attempt.at);
    const id = newId('dlv', at);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: logPk(endpointId), sk: `${DLV}${id}`, id, ...attempt, expiresAt: epochSeconds(at) + LIMITS.webhookDeliveriesKeptDays * 86_400 },
        }),
      );
    } catch (err) {
      log.warn('webhook delivery attempt not logged', { endpointId, eventId: attempt.eventId, attempt: attempt.attempt, error: (err as Error).name });
    }
  }

  async attempts(endpointId: string, limit: number, cursor?: string): Promise<{ items: DeliveryAttempt[]; nextCursor: string | null }> {
    const before = cursor ? decodeCursor(cursor, DeliveryCursor).id : undefined;
    const now = epochSeconds(this.clock.now());
    // Newest first: an expired attempt (TTL deletes it within days) is older than every one kept.
    const rows = (await newestFirst(this.doc, this.table, logPk(endpointId), DLV, limit, before)).filter((i) => !(typeof i.expiresAt === 'number' && i.expiresAt <= now));
    const page = rows.slice(0, limit);
    const items = page.map((i) => ({ eventId: i.eventId, type: i.type, statusCode: i.statusCode ?? null, attempt: i.attempt, at: i.at }) as DeliveryAttempt);
    return { items, nextCursor: rows.length > limit ? encodeCursor({ id: page[page.length - 1]!.id }) : null };
  }
}
