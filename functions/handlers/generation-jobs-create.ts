import { createJob } from '../core/generation-jobs.ts';
import { httpHandler, Reply } from '../http/handler.ts';
import { rateLimitHeaders } from '../http/rate-limit-headers.ts';
import { compose } from '../composition/compose.ts';
import { outbound } from '../composition/outbound.ts';
import { events } from '../composition/events.ts';
import { creditStoreForJobCreation } from '../composition/job-holds.ts';
import { billingStore } from '../composition/billing-store.ts';
import { idempotency } from '../composition/idempotency.ts';
import { jobQueue } from '../composition/job-queue.ts';
import { jobStore } from '../composition/job-store.ts';
import { rateStore } from '../composition/rate-store.ts';
import route from '../routes/generation-jobs-create.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('generation-jobs-create', [creditStoreForJobCreation, billingStore, rateStore, jobStore, jobQueue, idempotency, outbound, events]);

export const handler = httpHandler(route, composition, async ({ caller, body, idempotencyKey }, deps) => {
  const { job, rate } = await createJob(deps, { accountId: caller.accountId, ...body, idempotencyKey });
  return new Reply({ id: job.id, status: job.status, total: job.total, skipped: job.skipped, creditsHeld: job.creditsHeld }, rate ? rateLimitHeaders(rate) : {});
});
