import { IdParams } from './shapes/common.ts';
import { Generation } from './shapes/generations.ts';
import { route } from './route.ts';

export default route({
  functionId: 'generations-get',
  method: 'GET',
  path: '/v1/generations/{id}',
  auth: 'jwt',
  params: IdParams,
  success: { status: 200, schema: Generation, description: 'The generation.' },
  errors: ['NOT_FOUND'],
  summary: 'A generation',
  tag: 'generations',
});
