import * as z from '#zod';
import { DETAIL_TYPES } from '../resources.ts';
import { WEBHOOK_DATA, WebhookEnvelope } from '../core/billing.ts';
import { route } from './route.ts';

const WebhookReceipt = z
  .object({ received: z.literal(true), id: z.string(), type: z.string(), ignored: z.optional(z.literal(true)) }).clone().register(z.globalRegistry, { id: 'WebhookReceipt' });

export default route({
  functionId: 'webhook-subscriptions',
  method: 'POST',
  path: '/v1/webhooks/subscriptions',
  auth: 'signed',
  rawBody: z.extend(WebhookEnvelope, {
    type: WebhookEnvelope.shape.type.clone().register(z.globalRegistry, {
      description: `Known: ${Object.keys(WEBHOOK_DATA).join(', ')} (published as ${Object.values(DETAIL_TYPES).join(', ')}); unknown types are accepted and ignored.`,
    }),
    data: z.optional(z.union(Object.values(WEBHOOK_DATA))),
  }).clone().register(z.globalRegistry, { id: 'WebhookEvent' }),
  success: { status: 202, schema: WebhookReceipt, description: 'Accepted (also for a duplicate delivery or an unknown type).' },
  errors: ['SERVICE_UNAVAILABLE'],
  summary: 'Billing system events (subscriptions and top-ups)',
  tag: 'webhooks',
});
