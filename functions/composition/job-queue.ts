import { makeWorkQueue } from '../adapters/sqs-queue.ts';
import type { Port } from './compose.ts';

/** The `generation-jobs` queue: one message per job item (SQS SendMessageBatch; the local stack's queue locally). */
export const jobQueue: Port<'jobQueue'> = {
  name: 'job-queue',
  provides: ['jobQueue'],
  env: ['GENERATION_JOBS_QUEUE_URL'],
  access: ['queue-send:generation-jobs'],
  build: (env) => ({ jobQueue: makeWorkQueue(env, 'generation-jobs') }),
};
