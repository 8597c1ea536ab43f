import { SqsOutboundQueue } from '../adapters/outbound-queue.ts';
import { makeWorkQueue } from '../adapters/sqs-queue.ts';
import type { Port } from './compose.ts';

/** The delivering function's delayed retries, onto its own `outbound` queue. */
export const deliveryQueue: Port<'deliveryQueue'> = {
  name: 'delivery-queue',
  provides: ['deliveryQueue'],
  env: ['OUTBOUND_QUEUE_URL'],
  access: ['queue-send:outbound'],
  build: (env) => ({ deliveryQueue: new SqsOutboundQueue(makeWorkQueue(env, 'outbound')) }),
};
