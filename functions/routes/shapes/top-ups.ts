/** Response shapes of the top-up routes (docs/contract.md). */
import * as z from '#zod';
import { dateTime, page } from './common.ts';
import { Price } from './packs.ts';

export const TopUp = z
  .object({
    id: z.string().check(z.regex(/^tu_/)),
    packId: z.string(),
    credits: z.int().check(z.gte(1)),
    price: Price,
    status: z.enum(['pending', 'paid', 'failed']),
    checkoutUrl: z.url(),
    createdAt: dateTime,
    validDays: z.optional(z.int().check(z.gte(1))),
    paidAt: z.optional(dateTime),
    failedAt: z.optional(dateTime),
  }).clone().register(z.globalRegistry, { id: 'TopUp' });
export const TopUpPage = page(TopUp, 'TopUpPage');
