import { Credits } from './shapes/credits.ts';
import { route } from './route.ts';

export default route({
  functionId: 'credits-get',
  method: 'GET',
  path: '/v1/credits',
  auth: 'jwt',
  success: { status: 200, schema: Credits, description: 'Balance, plan, period and rate limit.' },
  summary: "The caller's credits (the AI Credits button)",
  tag: 'credits',
});
