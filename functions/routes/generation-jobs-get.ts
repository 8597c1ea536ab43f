import { IdParams } from './shapes/common.ts';
import { Job } from './shapes/jobs.ts';
import { route } from './route.ts';

export default route({
  functionId: 'generation-jobs-get',
  method: 'GET',
  path: '/v1/generation-jobs/{id}',
  auth: 'jwt',
  params: IdParams,
  success: { status: 200, schema: Job, description: 'The job with its counts and credits.' },
  errors: ['NOT_FOUND'],
  summary: 'A bulk generation job',
  tag: 'generation-jobs',
});
