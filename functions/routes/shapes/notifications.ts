/** Response shapes of the notification routes (docs/contract.md). */
import * as z from '#zod';
import { dateTime, page } from './common.ts';

export const Notification = z
  .object({
    id: z.string(),
    type: z.enum(['cooldown_started', 'credits_reset', 'credits_refreshed', 'low_balance', 'top_up_completed', 'blog_published', 'credits_expiring', 'auto_top_up_disabled', 'auto_top_up_limit_reached', 'generation_job_completed', 'credits_depleted', 'credits_recovered']),
    message: z.string(),
    /** `low_balance`: the share of the allowance crossed; `credits_recovered`: the one available is back to. */
    threshold: z.optional(z.number()),
    createdAt: dateTime,
    readAt: z.nullable(dateTime),
  }).clone().register(z.globalRegistry, { id: 'Notification' });

export const NotificationPage = page(Notification, 'NotificationPage');
