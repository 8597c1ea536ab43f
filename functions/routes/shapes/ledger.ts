/** Response shapes of the ledger route (docs/contract.md). */
import * as z from '#zod';
import { FEATURE_IDS } from '../../config.ts';
import { count, dateTime, page } from './common.ts';

export const LedgerEntry = z
  .object({
    id: z.string(),
    at: dateTime,
    type: z.enum(['grant', 'reset', 'refresh', 'charge', 'refund', 'top_up', 'adjust']),
    amount: z.int().clone().register(z.globalRegistry, { description: 'Signed: a charge is negative.' }),
    bucket: z.enum(['allowance', 'purchased']),
    balanceAfter: count,
    feature: z.optional(z.enum(FEATURE_IDS)),
    generationId: z.optional(z.string()),
    productId: z.optional(z.string()),
    topUpId: z.optional(z.string()),
    reason: z.optional(z.string()),
  }).clone().register(z.globalRegistry, { id: 'LedgerEntry' });

export const LedgerPage = page(LedgerEntry, 'LedgerPage', 'Newest first. The sum of `amount` over the ledger equals `available`.');
