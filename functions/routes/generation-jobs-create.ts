import { LIMITS } from '../config.ts';
import { JobCreated, JobRequest } from './shapes/jobs.ts';
import { route } from './route.ts';

export default route({
  functionId: 'generation-jobs-create',
  method: 'POST',
  path: '/v1/generation-jobs',
  auth: 'jwt',
  idempotent: true,
  rateLimited: true,
  bodyLimitBytes: LIMITS.jobBodyBytes,
  body: JobRequest,
  success: { status: 202, schema: JobCreated, description: 'The job, queued; the credits of every item not skipped are held from now.' },
  errors: ['INSUFFICIENT_CREDITS', 'PLAN_UPGRADE_REQUIRED', 'COOLDOWN_ACTIVE'],
  summary: 'Start a bulk generation job (charged per item)',
  description: `Up to ${LIMITS.jobs.maxItems} items, body up to 1 MB. One rate-limit attempt per job; not enough credits for every item not skipped → 402 with required/available, nothing created.`,
  tag: 'generation-jobs',
});
