/** Response shape of the plan-change preview (docs/contract.md). */
import * as z from '#zod';
import { PLAN_IDS } from '../../config.ts';
import { dateTime } from './common.ts';
import { CreditAmounts } from './credits.ts';

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
