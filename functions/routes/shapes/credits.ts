/**
 * Response shapes of the credits and admin adjustment routes (docs/contract.md). Each route module
 * imports only the shapes it answers: every `register` call below runs at import, so esbuild keeps a
 * shape in every bundle whose modules import its file.
 */
import * as z from '#zod';
import { PLAN_IDS } from '../../config.ts';
import { BUCKETS, count, dateTime } from './common.ts';

export const CreditAmounts = z.object({
  available: count,
  allowance: count,
  allowanceRemaining: count,
  purchased: count.clone().register(z.globalRegistry, { description: 'Top-ups (with or without an expiry) and admin adjustments.' }),
  grants: count.clone().register(z.globalRegistry, { description: 'What unexpired grants still hold; `available` includes it.' }),
});

export const CreditSource = z
  .object({
    bucket: z.enum(BUCKETS),
    id: z.optional(z.string()),
    remaining: count,
    expiresAt: z.nullable(dateTime),
    category: z.optional(z.enum(['promotional', 'compensation'])),
  }).clone().register(z.globalRegistry, {
    id: 'CreditSource',
    description: 'One source of credits: the allowance (it ends with the period), a grant, a top-up that expires, or the non-expiring purchased credits.',
  });

export const Credits = z
  .object({
    accountId: z.string(),
    plan: z.enum(PLAN_IDS),
    credits: CreditAmounts,
    sources: z.array(CreditSource).clone().register(z.globalRegistry, {
      description: 'Where the next charges come from, in burn-down order: the allowance, then sources with an expiry (soonest first), then those without. Empty sources are left out.',
    }),
    period: z.object({ start: dateTime, end: dateTime }),
    topUpAvailable: z.boolean().clone().register(z.globalRegistry, { description: 'True exactly for plans that may top up (the Top Up button).' }),
    rateLimit: z.object({ limit: z.int(), remaining: count, windowResetAt: z.nullable(dateTime), cooldownUntil: z.nullable(dateTime) }),
  }).clone().register(z.globalRegistry, {
    id: 'Credits',
    example: {
      accountId: 'acct_1',
      plan: 'free',
      credits: { available: 35, allowance: 25, allowanceRemaining: 25, purchased: 0, grants: 10 },
      sources: [
        { bucket: 'allowance', remaining: 25, expiresAt: '2026-12-25T00:00:00.000Z' },
        { bucket: 'grant', id: 'grt_01JF3Z8Q2W6X4K9M7N5P3R1T0V', remaining: 10, expiresAt: '2027-01-31T00:00:00.000Z', category: 'promotional' },
      ],
      period: { start: '2026-11-25T00:00:00.000Z', end: '2026-12-25T00:00:00.000Z' },
      topUpAvailable: false,
      rateLimit: { limit: 10, remaining: 10, windowResetAt: null, cooldownUntil: null },
    },
  });

export const AdjustmentResult = z.extend(Credits, { adjustment: z.object({ amount: z.int(), reason: z.string() }) }).clone().register(z.globalRegistry, { id: 'AdjustmentResult' });
