import * as z from '#zod';
import { ADMIN_SCOPE } from '../config.ts';
import { AdjustmentRequest, accountIdParam } from '../core/requests.ts';
import { AdjustmentResult } from './shapes/credits.ts';
import { route } from './route.ts';

export default route({
  functionId: 'admin-adjust',
  method: 'POST',
  path: '/v1/admin/accounts/{accountId}/adjustments',
  auth: 'jwt',
  scopes: [ADMIN_SCOPE],
  idempotent: true,
  params: z.object({ accountId: accountIdParam }),
  // Refinements do not survive the conversion to JSON Schema: the description says them.
  body: AdjustmentRequest.clone().register(z.globalRegistry, {
    id: 'AdjustmentRequest',
    description: '`amount` is a non-zero integer of at most 1,000,000 either way; a debit larger than the purchased balance is refused (409).',
  }),
  success: { status: 201, schema: AdjustmentResult, description: 'The adjustment and the credits after it (ledger type `adjust`).' },
  errors: ['NOT_FOUND', 'ADJUSTMENT_EXCEEDS_BALANCE'],
  summary: "Adjust an account's purchased credits (admin)",
  tag: 'admin',
});
