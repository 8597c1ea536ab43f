import { DynamoOutbox } from '../adapters/dynamo-outbox.ts';
import { SqsOutboundQueue } from '../adapters/outbound-queue.ts';
import { makeWorkQueue } from '../adapters/sqs-queue.ts';
import type { Port } from './compose.ts';
import { dynamo } from './dynamo.ts';

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
  // The function's own credit store (plain or with the auto top-up attributes) trims the outbox: it must
  // compose one; needing `creditStore` here would put a second, plain store over the other.
  needs: [dynamo],
  build: (env, deps) => ({
    // One message per event, its body the event as delivered (adapters/outbound-queue.ts).
    outbound: new SqsOutboundQueue(makeWorkQueue(env, 'outbound')),
    outbox: new DynamoOutbox(deps.dynamo.doc, env.TABLE_NAME),
  }),
};
