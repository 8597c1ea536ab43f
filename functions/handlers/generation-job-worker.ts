import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from '#zod';
import { runItem } from '../core/generation-jobs.ts';
import { log } from '../observability/log.ts';
import { eventHandler } from '../observability/middleware.ts';
import { compose } from '../composition/compose.ts';
import { outbound } from '../composition/outbound.ts';
import { contentHistory } from '../composition/content-history.ts';
import { creditStoreWithJobHolds } from '../composition/job-holds.ts';
import { generationStore } from '../composition/generation-store.ts';
import { jobQueue } from '../composition/job-queue.ts';
import { jobStore } from '../composition/job-store.ts';
import { textModelPort } from '../composition/text-model.ts';
import { cachedVoiceStore } from '../composition/voice-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('generation-job-worker', [creditStoreWithJobHolds, generationStore, textModelPort, cachedVoiceStore, contentHistory, jobStore, jobQueue, outbound]);
const deps = composition.deps;

const Message = z.strictObject({
  a: z.string().check(z.minLength(1), z.maxLength(100)),
  j: z.string().check(z.minLength(1), z.maxLength(100)),
  i: z.int().check(z.gte(0), z.lte(999)),
  t: z.optional(z.int().check(z.gte(0), z.lte(100))),
});

/**
 * Consumer of the `generation-jobs` queue: each message is one job item, run on its own (a batch's items
 * in parallel). A message that throws is reported in `batchItemFailures` and comes back after the
 * visibility timeout; every step of an item is safe to repeat (see core/generation-jobs.ts).
 */
export const handler = eventHandler(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  // A batch's items are mostly of one job: it is read once per invocation (a cancel that lands meanwhile
  // still wins every item not yet moved to running, by the item's own conditional write).
  const jobs = new Map<string, ReturnType<typeof deps.jobs.getJob>>();
  const jobOf = (accountId: string, jobId: string) => {
    const key = `${accountId}|${jobId}`;
    if (!jobs.has(key)) jobs.set(key, deps.jobs.getJob(accountId, jobId));
    return jobs.get(key)!;
  };
  await Promise.all(
    event.Records.map(async (record) => {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        body = undefined;
      }
      const msg = Message.safeParse(body);
      if (!msg.success) {
        // Not ours to run: dropped (a retry would fail the same way).
        log.error('generation-job-worker got an invalid message', { messageId: record.messageId });
        return;
      }
      try {
        const result = await runItem(deps, msg.data, Number(record.attributes?.ApproximateReceiveCount ?? 1), jobOf);
        // Ids and the kind of failure only: no merchant input or model text.
        if ('failed' in result) log.warn('job item failed, refunded', { jobId: msg.data.j, index: msg.data.i, reason: result.failed });
        if ('retryInSeconds' in result) log.info('job item throttled, retried later', { jobId: msg.data.j, index: msg.data.i, retryInSeconds: result.retryInSeconds });
      } catch (err) {
        log.warn('job item interrupted, redelivered later', { jobId: msg.data.j, index: msg.data.i, error: err instanceof Error ? err.name : String(err) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
});
