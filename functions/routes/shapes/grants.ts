/** Response shape of the admin grant route (docs/contract.md). */
import * as z from '#zod';
import { count, dateTime } from './common.ts';

export const Grant = z
  .object({
    id: z.string().check(z.regex(/^grt_/)),
    amount: z.int().check(z.gte(1)),
    remaining: count,
    category: z.enum(['promotional', 'compensation']),
    expiresAt: z.nullable(dateTime),
    createdAt: dateTime,
  }).clone().register(z.globalRegistry, { id: 'Grant' });
