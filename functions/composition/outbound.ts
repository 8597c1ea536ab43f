import { DynamoOutbox } from '../adapters/dynamo-outbox.ts';
import type { DynamoCreditStore } from '../adapters/dynamo-store.ts';
import { makeWorkQueue, type WorkQueue } from '../adapters/sqs-queue.ts';
import type { OutboundQueue } from '../core/outbound.ts';
import type { Port } from './compose.ts';
import { creditStore } from './credit-store.ts';

/**
 * One SQS message per event, its id the event's (unique within a send; the consumer dedupes deliveries on
 * it) and its body the event as delivered.
 */
export function queueOutbound(queue: WorkQueue): OutboundQueue {
  return { enqueue: (events) => queue.send(events.map((e) => ({ id: e.id, body: JSON.stringify(e) }))) };
}

/**
 * The event outbox's relay for the functions that write: the `outbound` SQS queue and the outbox's trim
 * and `events-due` index on the balance item. Functions without it leave the events their changes record
 * for the next relay (`deps.outbound` reads as undefined there; see compose.ts).
 */
export const outbound: Port<'outbound' | 'outbox'> = {
  name: 'outbound',
  provides: ['outbound', 'outbox'],
  env: ['OUTBOUND_QUEUE_URL', 'TABLE_NAME'],
  access: ['queue-send:outbound'],
  needs: [creditStore],
  build: (env, deps) => ({
    outbound: queueOutbound(makeWorkQueue(env, 'outbound')),
    outbox: new DynamoOutbox(deps.dynamo.doc, env.TABLE_NAME, deps.store as DynamoCreditStore),
  }),
};
