import { ADMIN_SCOPE, LIMITS } from '../config.ts';
import * as z from '#zod';
import { OperatorUsage } from './shapes/usage.ts';
import { route } from './route.ts';

/** Operator usage is counted by UTC day: its range is two days, inclusive. */
const AdminUsageQuery = z.object({
  from: z.optional(z.iso.date()),
  to: z.optional(z.iso.date()),
});


export default route({
  functionId: 'admin-usage-get',
  method: 'GET',
  path: '/v1/admin/usage',
  auth: 'jwt',
  scopes: [ADMIN_SCOPE],
  query: AdminUsageQuery,
  success: {
    status: 200,
    schema: OperatorUsage,
    description: `Per feature and per plan over the UTC days \`from\`..\`to\` (inclusive; by default this month to today; at most ${LIMITS.usageMaxDays} days).`,
  },
  summary: 'Model cost, tokens, credits and revenue per feature and plan (admin)',
  tag: 'admin',
});
