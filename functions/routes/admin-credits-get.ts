import * as z from '#zod';
import { ADMIN_SCOPE } from '../config.ts';
import { accountIdParam } from '../core/requests.ts';
import { Credits } from './shapes/credits.ts';
import { route } from './route.ts';

export default route({
  functionId: 'admin-credits-get',
  method: 'GET',
  path: '/v1/admin/accounts/{accountId}/credits',
  auth: 'jwt',
  scopes: [ADMIN_SCOPE],
  params: z.object({ accountId: accountIdParam }),
  success: { status: 200, schema: Credits, description: 'Same shape as `GET /v1/credits`; never creates the account.' },
  errors: ['NOT_FOUND'],
  summary: "An account's credits (admin)",
  tag: 'admin',
});
