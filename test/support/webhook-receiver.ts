/**
 * A real HTTP receiver of outbound webhooks on 127.0.0.1: records every request (headers and raw body)
 * and answers the statuses it is given in turn (the last one from then on).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SqsOutboundQueue } from '../../functions/adapters/outbound-queue.ts';
import { makeWorkQueue } from '../../functions/adapters/sqs-queue.ts';
import type { OutboundEvent, OutboundEventType } from '../../functions/core/outbound.ts';
import { newId } from '../../functions/core/ids.ts';
import { LOCAL_ROLE_CREDENTIALS } from '../../lib/local/env.ts';
import type { LocalStack } from '../../lib/local/stack.ts';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The event ids received, in order. */
  ids(): string[];
  /** The events received, once per id (delivery is at least once; a receiver dedupes on the id), in order. */
  events(): OutboundEvent[];
  close(): Promise<void>;
}

export async function startReceiver(statuses: number[] = [200]): Promise<Receiver> {
  const received: Received[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses[Math.min(n++, statuses.length - 1)]!, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    ids: () => received.map((r) => (JSON.parse(r.body) as { id: string }).id),
    events: () => [...new Map(received.map((r) => JSON.parse(r.body) as OutboundEvent).map((e) => [e.id, e] as const)).values()],
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * The outbound queue adapter the outbox relay calls, pointed at the local stack's queue and signing with
 * the local role's credentials (the local SQS checks SigV4 against them).
 */
export function outboundQueueOf(stack: LocalStack): SqsOutboundQueue {
  // The local SQS accepts the local role's key, or the developer's own when set.
  if (!process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) Object.assign(process.env, LOCAL_ROLE_CREDENTIALS);
  return new SqsOutboundQueue(makeWorkQueue({ AWS_REGION: 'us-east-1', OUTBOUND_QUEUE_URL: stack.queues.url('outbound') }, 'outbound'));
}

/** An event as a change records it, for an account that need not exist. */
export const sampleEvent = (type: OutboundEventType = 'credits.low_balance', now = new Date()): OutboundEvent => ({
  id: newId('evt', now),
  type,
  createdAt: now.toISOString(),
  data: { accountId: `acct_${newId('t', now).slice(-8)}`, threshold: 0.2 },
});
