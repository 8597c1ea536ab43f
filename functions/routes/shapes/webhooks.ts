/** Request and response shapes of the outbound webhook routes (docs/contract.md). */
import * as z from '#zod';
import { LIMITS } from '../../config.ts';
import { OUTBOUND_EVENT_TYPES, type OutboundEventType } from '../../core/outbound.ts';
import { dateTime, page } from './common.ts';

const EventType = z.enum(OUTBOUND_EVENT_TYPES as [OutboundEventType, ...OutboundEventType[]]);

export const WebhookEndpointRequest = z
  .strictObject({
    url: z.string().check(z.minLength(1), z.maxLength(2048)),
    events: z.array(EventType).check(z.minLength(1), z.maxLength(OUTBOUND_EVENT_TYPES.length)),
  })
  .clone()
  .register(z.globalRegistry, {
    id: 'WebhookEndpointRequest',
    description: `\`url\`: https, resolving only to public addresses (the local stack also accepts http://127.0.0.1:<port>); \`events\`: the types to receive. At most ${LIMITS.maxWebhookEndpoints} endpoints.`,
  });

export const WebhookEndpoint = z
  .object({ id: z.string().check(z.regex(/^whe_/)), url: z.string(), events: z.array(EventType), createdAt: dateTime })
  .clone()
  .register(z.globalRegistry, { id: 'WebhookEndpoint' });

export const WebhookEndpointCreated = z
  .extend(WebhookEndpoint, { secret: z.string().check(z.regex(/^whsec_/)) })
  .clone()
  .register(z.globalRegistry, { id: 'WebhookEndpointCreated', description: 'The endpoint and its signing secret, shown only in this answer.' });

export const WebhookEndpointList = z.object({ items: z.array(WebhookEndpoint) }).clone().register(z.globalRegistry, { id: 'WebhookEndpointList' });

export const WebhookDelivery = z
  .object({
    eventId: z.string().check(z.regex(/^evt_/)),
    type: EventType,
    statusCode: z.nullable(z.int()),
    attempt: z.int().check(z.gte(1)),
    at: dateTime,
  })
  .clone()
  .register(z.globalRegistry, { id: 'WebhookDelivery', description: '`statusCode` is null when no answer came (a timeout, no connection, an address refused).' });

export const WebhookDeliveryPage = page(WebhookDelivery, 'WebhookDeliveryPage', 'Delivery attempts, newest first.');
