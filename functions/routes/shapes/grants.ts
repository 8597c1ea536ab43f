/** Response shapes of the admin grant route and the plan preview (docs/contract.md). */
import * as z from '#zod';
import { PLAN_IDS } from '../../config.ts';
import { count, dateTime } from './common.ts';
import { CreditAmounts } from './credits.ts';

export const Grant = z
  .object({
    id: z.string().check(z.regex(/^grt_/)),
    amount: z.int().check(z.gte(1)),
    remaining: count,
    category: z.enum(['promotional', 'compensation']),
    expiresAt: z.nullable(dateTime),
    createdAt: dateTime,
  }).clone().register(z.globalRegistry, { id: 'Grant' });

export const PlanPreview = z
  .object({
    plan: z.enum(PLAN_IDS),
    current: CreditAmounts,
    after: CreditAmounts,
    difference: z.int().clone().register(z.globalRegistry, { description: '`after.available - current.available`: 0 for the current plan.' }),
    period: z.object({ start: dateTime, end: dateTime }),
  }).clone().register(z.globalRegistry, {
    id: 'PlanPreview',
    description: 'What changing to `plan` now would leave (the allowance is reset to the plan’s amount; purchased credits and grants stay; the period does not move). Nothing is changed.',
  });
