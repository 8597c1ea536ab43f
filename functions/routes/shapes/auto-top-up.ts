/** Response shape of the auto top-up routes (docs/contract.md). */
import * as z from '#zod';
import { AUTO_TOP_UP } from '../../config.ts';
import { count, dateTime } from './common.ts';
import { Price } from './packs.ts';

const Attempt = z.object({
  id: z.string().check(z.regex(/^tu_/)),
  packId: z.string(),
  credits: z.int().check(z.gte(1)),
  price: Price,
  status: z.enum(['pending', 'paid', 'failed']),
  createdAt: dateTime,
  paidAt: z.optional(dateTime),
  failedAt: z.optional(dateTime),
});

export const AutoTopUp = z
  .object({
    enabled: z.boolean(),
    packId: z.optional(z.string()),
    thresholdCredits: z.optional(z.int().check(z.gte(1), z.lte(AUTO_TOP_UP.thresholdMax))),
    monthlyLimit: z.optional(z.int().check(z.gte(1), z.lte(AUTO_TOP_UP.monthlyLimitMax))),
    updatedAt: z.optional(dateTime),
    disabledReason: z.nullable(z.enum(['failures', 'downgrade'])),
    pending: z.nullable(z.object({ topUpId: z.string(), packId: z.string() })),
    month: z.string().check(z.regex(/^\d{4}-\d{2}$/)),
    countThisMonth: count,
    consecutiveFailures: count,
    lastAttempts: z.array(Attempt),
  })
  .clone()
  .register(z.globalRegistry, {
    id: 'AutoTopUp',
    description: `The auto top-up setting (\`enabled: false\` until one is stored) and what it did: the pending auto top-up, the count this calendar month (UTC), failures in a row (${AUTO_TOP_UP.failuresToDisable} turn it off: \`disabledReason: "failures"\`; a downgrade to free: \`"downgrade"\`) and the ${AUTO_TOP_UP.recentAttempts} newest auto top-ups.`,
  });
