import * as z from '#zod';
import { TopUpRequest } from '../core/requests.ts';
import { TopUp } from './shapes/top-ups.ts';
import { route } from './route.ts';

export default route({
  functionId: 'top-up-create',
  method: 'POST',
  path: '/v1/credits/top-ups',
  auth: 'jwt',
  idempotent: true,
  body: TopUpRequest.clone().register(z.globalRegistry, { id: 'TopUpRequest' }),
  success: { status: 201, schema: TopUp, description: 'A pending top-up and its checkout URL; nothing is credited yet.' },
  errors: ['PLAN_UPGRADE_REQUIRED', 'NOT_FOUND', 'CONFLICT'],
  summary: 'Start buying a pack (paid plans)',
  tag: 'top-ups',
});
