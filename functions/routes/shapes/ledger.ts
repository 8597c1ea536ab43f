/** Response shapes of the ledger route (docs/contract.md). */
import * as z from '#zod';
import { FEATURE_IDS } from '../../config.ts';
import { BUCKETS, count, dateTime, page } from './common.ts';

export const LedgerEntry = z
  .object({
    id: z.string(),
    at: dateTime,
    type: z.enum(['grant', 'reset', 'refresh', 'charge', 'refund', 'top_up', 'adjust', 'expire']),
    amount: z.int().clone().register(z.globalRegistry, { description: 'Signed: a charge is negative.' }),
    bucket: z.enum(BUCKETS).clone().register(z.globalRegistry, { description: 'The bucket the entry moved (a charge or refund: its first source; `sources` lists them all).' }),
    balanceAfter: count,
    feature: z.optional(z.enum(FEATURE_IDS)),
    generationId: z.optional(z.string()),
    productId: z.optional(z.string()),
    topUpId: z.optional(z.string()),
    grantId: z.optional(z.string()),
    reason: z.optional(z.string()),
    sources: z.optional(
      z.array(z.object({ bucket: z.enum(BUCKETS), id: z.optional(z.string()), amount: z.int() })).clone().register(z.globalRegistry, {
        description: 'A charge or refund: what it took from (gave back to) each source, in burn-down order; the amounts sum to `amount`. A part a refund could not give back is listed with 0 and the reason says why.',
      }),
    ),
  }).clone().register(z.globalRegistry, { id: 'LedgerEntry' });

export const LedgerPage = page(LedgerEntry, 'LedgerPage', 'Newest first. The sum of `amount` over the ledger equals `available`.');
