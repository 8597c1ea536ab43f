/** Response shapes of the usage routes (docs/contract.md). */
import * as z from '#zod';
import { count, dateTime } from './common.ts';

const UsageCounts = {
  generations: count.clone().register(z.globalRegistry, { description: 'Generations charged in the range and not refunded (a failed one is refunded whole).' }),
  creditsCharged: count,
  creditsRefunded: count,
};

export const Usage = z
  .object({
    from: dateTime,
    to: dateTime.clone().register(z.globalRegistry, { description: 'Exclusive.' }),
    groupBy: z.enum(['feature', 'day', 'product']),
    items: z.array(
      z.object({
        key: z.nullable(z.string()).clone().register(z.globalRegistry, { description: 'A feature id, a UTC day (YYYY-MM-DD, oldest first) or a product id (null: no product, e.g. blog posts).' }),
        ...UsageCounts,
      }),
    ),
    totals: z.object(UsageCounts),
  }).clone().register(z.globalRegistry, {
    id: 'Usage',
    description: 'From the ledger: the totals agree with the ledger over the same range (charges are negative entries, refunds positive).',
  });
