import { LIMITS } from '../config.ts';
import * as z from '#zod';
import { Usage } from './shapes/usage.ts';
import { route } from './route.ts';

const DAY_MS = 86_400_000;
/**
 * An instant of a usage range: a UTC day (`2026-12-01`) or an ISO date-time with an offset, answered in
 * UTC. A day as `to` ends the range after that day (`to` is exclusive), so `from=to=2026-12-01` is that day.
 */
const rangeBound = (end: boolean) =>
  z.pipe(
    z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
    z.transform((s: string) => (s.length === 10 ? new Date(Date.parse(`${s}T00:00:00Z`) + (end ? DAY_MS : 0)) : new Date(s)).toISOString()),
  );

const UsageQuery = z.object({
  from: z.optional(rangeBound(false)),
  to: z.optional(rangeBound(true)),
  groupBy: z._default(z.enum(['feature', 'day', 'product']), 'feature'),
});


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
