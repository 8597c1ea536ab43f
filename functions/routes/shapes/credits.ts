/**
 * Response shapes of the credits and admin adjustment routes (docs/contract.md). Each route module
 * imports only the shapes it answers: every `register` call below runs at import, so esbuild keeps a
 * shape in every bundle whose modules import its file.
 */
import * as z from '#zod';
import { PLAN_IDS } from '../../config.ts';
import { count, dateTime } from './common.ts';

export const Credits = z
  .object({
    accountId: z.string(),
    plan: z.enum(PLAN_IDS),
    credits: z.object({ available: count, allowance: count, allowanceRemaining: count, purchased: count }),
    period: z.object({ start: dateTime, end: dateTime }),
    topUpAvailable: z.boolean().clone().register(z.globalRegistry, { description: 'True exactly for plans that may top up (the Top Up button).' }),
    rateLimit: z.object({ limit: z.int(), remaining: count, windowResetAt: z.nullable(dateTime), cooldownUntil: z.nullable(dateTime) }),
  }).clone().register(z.globalRegistry, {
    id: 'Credits',
    example: {
      accountId: 'acct_1',
      plan: 'free',
      credits: { available: 25, allowance: 25, allowanceRemaining: 25, purchased: 0 },
      period: { start: '2026-11-25T00:00:00.000Z', end: '2026-12-25T00:00:00.000Z' },
      topUpAvailable: false,
      rateLimit: { limit: 10, remaining: 10, windowResetAt: null, cooldownUntil: null },
    },
  });

export const AdjustmentResult = z.extend(Credits, { adjustment: z.object({ amount: z.int(), reason: z.string() }) }).clone().register(z.globalRegistry, { id: 'AdjustmentResult' });
