import { SqsOutboundQueue } from '../adapters/outbound-queue.ts';
import { makeWorkQueue } from '../adapters/sqs-queue.ts';
import type { Port } from './compose.ts';

/**
 * Outbound webhook events onto the `outbound` SQS queue: the outbox relay's `outbound` and the delivering
 * function's retries (`deliveryQueue`), one client.
 */
export const outbound: Port<'outbound' | 'deliveryQueue'> = {
  name: 'outbound',
  provides: ['outbound', 'deliveryQueue'],
  env: ['OUTBOUND_QUEUE_URL'],
  access: ['queue-send:outbound'],
  build: (env) => {
    const queue = new SqsOutboundQueue(makeWorkQueue(env, 'outbound'));
    return { outbound: queue, deliveryQueue: queue };
  },
};
