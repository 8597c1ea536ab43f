import { LIMITS } from '../config.ts';
import { UsageQuery } from '../core/schemas.ts';
import { Usage } from './shapes/usage.ts';
import { route } from './route.ts';

export default route({
  functionId: 'usage-get',
  method: 'GET',
  path: '/v1/credits/usage',
  auth: 'jwt',
  query: UsageQuery,
  success: {
    status: 200,
    schema: Usage,
    description: `Credits charged and refunded and generations, by \`groupBy\` (feature by default), over [\`from\`, \`to\`): UTC days or ISO date-times, each defaulting to the current period's bound, at most ${LIMITS.usageMaxDays} days.`,
  },
  summary: 'Usage by feature, day or product (Settings › AI Credits)',
  tag: 'credits',
});
