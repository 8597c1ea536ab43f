/** The top-up packs on sale and their price: the packs route answers them, the catalog and top-ups carry them. */
import * as z from '#zod';
import { TOP_UP_PACKS } from '../../config.ts';

export const Price = z.object({ amount: z.string().check(z.regex(/^\d+\.\d{2}$/)), currency: z.enum(['USD']) });

export const TopUpPack = z
  .object({
    id: z.string(),
    credits: z.int().check(z.gte(1)),
    price: Price,
    validDays: z.optional(z.int().check(z.gte(1))).clone().register(z.globalRegistry, { description: 'The credits expire this many days after payment; absent: they never expire.' }),
  }).clone().register(z.globalRegistry, { id: 'TopUpPack' });
export const TopUpPacks = z.object({ items: z.array(TopUpPack) }).clone().register(z.globalRegistry, { id: 'TopUpPacks', example: { items: TOP_UP_PACKS } });
