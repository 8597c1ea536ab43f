import * as z from '#zod';
import { PlanId } from '../core/requests.ts';
import { PlanPreview } from './shapes/plans.ts';
import { route } from './route.ts';

export default route({
  functionId: 'plan-preview-get',
  method: 'GET',
  path: '/v1/credits/plan-preview',
  auth: 'jwt',
  query: z.object({ plan: PlanId }),
  success: { status: 200, schema: PlanPreview, description: 'The credits now and after the change; nothing is changed.' },
  summary: 'What changing to a plan now would leave (the Upgrade modal)',
  tag: 'credits',
});
