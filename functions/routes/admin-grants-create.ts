import * as z from '#zod';
import { ADMIN_SCOPE, LIMITS } from '../config.ts';
import { GrantRequest, accountIdParam } from '../core/requests.ts';
import { Credits } from './shapes/credits.ts';
import { Grant } from './shapes/grants.ts';
import { route } from './route.ts';

export default route({
  functionId: 'admin-grants-create',
  method: 'POST',
  path: '/v1/admin/accounts/{accountId}/grants',
  auth: 'jwt',
  scopes: [ADMIN_SCOPE],
  idempotent: true,
  params: z.object({ accountId: accountIdParam }),
  body: GrantRequest.clone().register(z.globalRegistry, {
    id: 'GrantRequest',
    description: `\`amount\` 1..100000; \`expiresAt\` (optional) must be in the future. At most ${LIMITS.maxActiveGrants} grants unexpired and holding credits (or charged by a generation still running) per account.`,
  }),
  success: {
    status: 201,
    schema: z.extend(Grant, { credits: Credits }).clone().register(z.globalRegistry, { id: 'GrantResult', description: 'The grant (ledger type `grant` with its `grantId`) and the credits after it.' }),
    description: 'Granted.',
  },
  errors: ['NOT_FOUND', 'LIMIT_REACHED'],
  summary: 'Grant credits to an account, optionally expiring (admin)',
  tag: 'admin',
});
