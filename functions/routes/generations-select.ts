import * as z from '#zod';
import { SelectRequest } from '../core/schemas.ts';
import { IdParams } from './shapes/common.ts';
import { Generation } from './shapes/generations.ts';
import { route } from './route.ts';

export default route({
  functionId: 'generations-select',
  method: 'POST',
  path: '/v1/generations/{id}/select',
  auth: 'jwt',
  params: IdParams,
  body: SelectRequest.clone().register(z.globalRegistry, { id: 'SelectRequest' }),
  success: { status: 200, schema: Generation, description: 'The generation with `selectedIndex` set.' },
  errors: ['PLAN_UPGRADE_REQUIRED', 'NOT_FOUND'],
  summary: "Choose a variant as the product's content (free of charge)",
  tag: 'generations',
});
