import { IdParams } from './shapes/common.ts';
import { Job } from './shapes/jobs.ts';
import { route } from './route.ts';

export default route({
  functionId: 'generation-jobs-cancel',
  method: 'POST',
  path: '/v1/generation-jobs/{id}/cancel',
  auth: 'jwt',
  params: IdParams,
  success: {
    status: 200,
    schema: Job,
    description: 'Items not started are canceled and their credits given back at once (one write); the job is `canceled` once the items already running end. A finished job is answered as it is.',
  },
  errors: ['NOT_FOUND'],
  summary: 'Cancel a bulk generation job',
  tag: 'generation-jobs',
});
