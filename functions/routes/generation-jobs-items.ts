import { LIMITS } from '../config.ts';
import { IdParams, pageQuery } from './shapes/common.ts';
import { JobItemPage } from './shapes/jobs.ts';
import { route } from './route.ts';

export default route({
  functionId: 'generation-jobs-items',
  method: 'GET',
  path: '/v1/generation-jobs/{id}/items',
  auth: 'jwt',
  params: IdParams,
  query: pageQuery(LIMITS.jobs.itemsPageDefault, 100),
  success: { status: 200, schema: JobItemPage, description: 'The job’s items in request order, with the generation of each succeeded one (`running` items show as `pending`).' },
  errors: ['NOT_FOUND'],
  summary: 'The items of a bulk generation job',
  tag: 'generation-jobs',
});
