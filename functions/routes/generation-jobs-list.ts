import { LIMITS } from '../config.ts';
import { pageQuery } from './shapes/common.ts';
import { JobPage } from './shapes/jobs.ts';
import { route } from './route.ts';

export default route({
  functionId: 'generation-jobs-list',
  method: 'GET',
  path: '/v1/generation-jobs',
  auth: 'jwt',
  query: pageQuery(LIMITS.jobs.listPageDefault, 200),
  success: { status: 200, schema: JobPage, description: 'The account’s bulk generation jobs, newest first.' },
  summary: 'Bulk generation jobs',
  tag: 'generation-jobs',
});
