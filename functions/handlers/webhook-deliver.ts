import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from '#zod';
import { deliverMessage, type DeliveryMessage, type DeliveryOutcome } from '../core/webhook-delivery.ts';
import { OUTBOUND_EVENT_TYPES, type OutboundEventType } from '../core/outbound.ts';
import { log } from '../observability/log.ts';
import { emit } from '../observability/metrics.ts';
import { eventHandler } from '../observability/middleware.ts';
import { compose } from '../composition/compose.ts';
import { deliveryQueue } from '../composition/delivery-queue.ts';
import { webhookSigning } from '../composition/webhook-signing.ts';
import { webhookStore } from '../composition/webhook-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('webhook-deliver', [webhookStore, webhookSigning, deliveryQueue]);
const deps = composition.deps;

const Event = z.object({
  id: z.string().check(z.regex(/^evt_[0-9a-z]{1,40}$/)),
  type: z.enum(OUTBOUND_EVENT_TYPES as [OutboundEventType, ...OutboundEventType[]]),
  createdAt: z.string(),
  data: z.looseObject({ accountId: z.string() }),
});
/** A retry: the event with its one endpoint and where its attempts stand. */
const Retry = z.object({
  event: Event,
  endpointId: z.optional(z.string().check(z.regex(/^whe_[0-9a-z]{1,40}$/))),
  attempt: z.optional(z.int().check(z.gte(1))),
  firstAt: z.optional(z.iso.datetime()),
  notBefore: z.optional(z.iso.datetime()),
});

/** Logs and counts what became of one attempt (never the event's data: ids, types and codes only). */
function report(o: DeliveryOutcome, type: string): void {
  if (o.kind === 'delivered') emit({ WebhookDelivered: 1 });
  else if (o.kind === 'retrying') {
    emit({ WebhookAttemptFailed: 1 }, { reason: o.reason });
    log.warn('webhook delivery failed, retrying', { endpointId: o.endpointId, eventId: o.eventId, type, attempt: o.attempt, reason: o.reason, statusCode: o.statusCode, nextAt: o.nextAt });
  } else if (o.kind === 'given_up') {
    emit({ WebhookAttemptFailed: 1, WebhookGivenUp: 1 }, { reason: o.reason });
    log.error('webhook delivery given up after 24 h', { endpointId: o.endpointId, eventId: o.eventId, type, attempts: o.attempt, reason: o.reason, statusCode: o.statusCode });
  } else if (o.kind === 'dropped') log.info('webhook retry dropped: endpoint removed or unsubscribed', { endpointId: o.endpointId, eventId: o.eventId });
}

/**
 * Consumer of the `outbound` queue: each message is an event to fan out to its endpoints or a retry to
 * one of them (functions/core/webhook-delivery.ts). A message fails (SQS redelivers it after the
 * visibility timeout, then dead-letters it) only when its retries could not be queued or it is unreadable.
 */
export const handler = eventHandler(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const endpoints = await deps.webhooks.list();
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      let message: DeliveryMessage;
      try {
        // A first delivery is the event itself, as the outbox relay sends it; a retry wraps it.
        const body = JSON.parse(record.body) as Record<string, unknown>;
        message = ('event' in body ? Retry.parse(body) : { event: Event.parse(body) }) as DeliveryMessage;
      } catch {
        // Retrying cannot mend it: its receives run out and it waits in the DLQ (alarmed) for a look.
        log.error('unreadable outbound message', { messageId: record.messageId });
        failures.push({ itemIdentifier: record.messageId });
        return;
      }
      try {
        for (const o of await deliverMessage(deps, message, endpoints)) report(o, message.event.type);
      } catch (err) {
        log.error('outbound message failed', { messageId: record.messageId, eventId: message.event.id, error: (err as Error).name });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
});
