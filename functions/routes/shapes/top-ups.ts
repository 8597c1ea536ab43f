/** Response shapes of the top-up routes (docs/contract.md). */
import * as z from '#zod';
import { dateTime, page } from './common.ts';
import { Price } from './packs.ts';

const fields = {
  id: z.string().check(z.regex(/^tu_/)),
  packId: z.string(),
  credits: z.int().check(z.gte(1)),
  price: Price,
  status: z.enum(['pending', 'paid', 'failed']),
  /** `manual`: bought at a checkout; `auto`: requested by auto top-up, charged to the saved card. */
  trigger: z.enum(['manual', 'auto']),
  checkoutUrl: z.url(),
  createdAt: dateTime,
  validDays: z.optional(z.int().check(z.gte(1))),
  paidAt: z.optional(dateTime),
  failedAt: z.optional(dateTime),
};

/** A top-up the merchant started (`POST /v1/credits/top-ups`): it has a checkout. */
export const TopUp = z.object(fields).clone().register(z.globalRegistry, { id: 'TopUp' });

/** A listed top-up: an auto top-up has no checkout (`checkoutUrl` absent). */
export const ListedTopUp = z
  .object({ ...fields, checkoutUrl: z.optional(z.url()) })
  .clone()
  .register(z.globalRegistry, { id: 'ListedTopUp', description: 'A top-up; `checkoutUrl` is absent on auto top-ups (`trigger: "auto"`).' });
export const TopUpPage = page(ListedTopUp, 'TopUpPage');
