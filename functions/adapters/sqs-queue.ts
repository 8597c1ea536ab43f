/**
 * Sending to one of the service's work queues (functions/resources.ts QUEUES): SQS SendMessageBatch, ten
 * messages a request. The same code runs locally: the local stack serves the queues over SQS's own JSON
 * protocol (lib/local/queues.ts) at the URL it puts in the function's environment, and the SDK sends to
 * the host of the queue URL.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Env } from '../env.ts';
import { QUEUES, type QueueId } from '../resources.ts';
import { log } from '../observability/log.ts';
import { traced } from '../observability/tracer.ts';
import { recordCalls } from './aws-calls.ts';
import { roleCredentials } from './aws-credentials.ts';

export interface QueueMessage {
  /** Unique within one send (SQS batch entry id): letters, digits, `-` and `_`, up to 80. */
  id: string;
  body: string;
  /** Hidden this long before the first receive (0..900). */
  delaySeconds?: number;
}

export interface WorkQueue {
  /** Sends every message or throws (a partly refused batch is resent whole: consumers are idempotent by id). */
  send(messages: readonly QueueMessage[]): Promise<void>;
}

/** SQS batches hold at most ten entries. */
const BATCH = 10;

export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queue: QueueId,
    private readonly url: string,
  ) {}

  async send(messages: readonly QueueMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += BATCH) {
      const entries = messages.slice(i, i + BATCH).map((m) => ({ Id: m.id, MessageBody: m.body, ...(m.delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(m.delaySeconds))) } : {}) }));
      const r = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.url, Entries: entries }));
      // SendMessageBatch answers 200 with per-entry failures: any one is an error of the whole send.
      if (r.Failed?.length) {
        log.error('SendMessageBatch refused entries', { queue: this.queue, failed: r.Failed.length, code: r.Failed[0]!.Code });
        throw new Error(`SQS refused ${r.Failed.length} of ${entries.length} messages to ${this.queue}`);
      }
    }
  }
}

/** The client of one queue; `queue-send:<id>` access sets its URL (lib/aws/access.ts, lib/local/env.ts). */
export function makeWorkQueue(env: Pick<Env, 'AWS_REGION'> & Partial<Record<(typeof QUEUES)[QueueId]['envKey'], string>>, queue: QueueId): WorkQueue {
  const url = env[QUEUES[queue].envKey];
  if (!url) throw new Error(`${QUEUES[queue].envKey} is not set: the function needs queue-send:${queue} access`);
  // SendMessageBatch is authorised as sqs:SendMessage, on the queue.
  // The endpoint is the queue URL's own host (SQS's regional endpoint in AWS, the local stack's here).
  const client = recordCalls(new SQSClient({ region: env.AWS_REGION, credentials: roleCredentials, endpoint: new URL(url).origin }), (command) => [[`sqs:${command.replace(/Batch$/, '')}`, `queue:${queue}`]]);
  return new SqsWorkQueue(traced(client), queue, url);
}
