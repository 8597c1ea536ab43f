import { IdParams } from './shapes/common.ts';
import { Generation } from './shapes/generations.ts';
import { route } from './route.ts';

export default route({
  functionId: 'generations-regenerate',
  method: 'POST',
  path: '/v1/generations/{id}/regenerate',
  auth: 'jwt',
  idempotent: true,
  rateLimited: true,
  params: IdParams,
  success: { status: 201, schema: Generation, description: 'A new generation; `regeneratedFrom` is `{id}`.' },
  errors: ['INSUFFICIENT_CREDITS', 'PLAN_UPGRADE_REQUIRED', 'NOT_FOUND', 'COOLDOWN_ACTIVE', 'GENERATION_FAILED'],
  summary: 'Generate again from the same input (charged again)',
  tag: 'generations',
});
