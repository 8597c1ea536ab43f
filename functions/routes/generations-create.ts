import * as z from '#zod';
import { GenerateRequest } from '../core/schemas.ts';
import { Generation } from './shapes/generations.ts';
import { route } from './route.ts';

export default route({
  functionId: 'generations-create',
  method: 'POST',
  path: '/v1/generations',
  auth: 'jwt',
  idempotent: true,
  rateLimited: true,
  body: GenerateRequest.clone().register(z.globalRegistry, { id: 'GenerateRequest' }),
  success: { status: 201, schema: Generation, description: 'The generation with its variants and the balance after the charge.' },
  errors: ['INSUFFICIENT_CREDITS', 'PLAN_UPGRADE_REQUIRED', 'NOT_FOUND', 'COOLDOWN_ACTIVE', 'GENERATION_FAILED'],
  summary: 'Generate (charged)',
  tag: 'generations',
});
