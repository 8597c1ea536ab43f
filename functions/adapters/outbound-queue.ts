/**
 * The outbound queue (`OutboundQueue`, functions/core/outbound.ts): each event the outbox relay hands on
 * becomes one message of the `outbound` SQS queue whose body is the event as delivered, which the
 * `webhook-deliver` function fans out to the subscribed endpoints. The same queue carries that function's
 * retries (`{ event, endpointId, attempt, firstAt, notBefore }`: one event to one endpoint, delayed).
 */
import type { OutboundEvent, OutboundQueue } from '../core/outbound.ts';
import type { DeliveryMessage, DeliveryQueue } from '../core/webhook-delivery.ts';
import type { WorkQueue } from './sqs-queue.ts';

export class SqsOutboundQueue implements OutboundQueue, DeliveryQueue {
  constructor(private readonly queue: WorkQueue) {}

  /** Sends every event or throws (the relay then keeps them in the outbox; a resend repeats ids, receivers dedupe). */
  async enqueue(events: readonly OutboundEvent[]): Promise<void> {
    // Entry ids by position: unique within a send even if an outbox listed one event twice.
    await this.queue.send(events.map((event, i) => ({ id: `e${i}`, body: JSON.stringify(event) })));
  }

  async send(messages: ReadonlyArray<{ body: DeliveryMessage; delaySeconds: number }>): Promise<void> {
    await this.queue.send(messages.map((m, i) => ({ id: `r${i}`, body: JSON.stringify(m.body), delaySeconds: m.delaySeconds })));
  }
}
