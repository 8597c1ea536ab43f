import { ADMIN_SCOPE, LIMITS } from '../config.ts';
import { IdParams, pageQuery } from './shapes/common.ts';
import { WebhookDeliveryPage } from './shapes/webhooks.ts';
import { route } from './route.ts';

export default route({
  functionId: 'webhook-deliveries-list',
  method: 'GET',
  path: '/v1/admin/webhook-endpoints/{id}/deliveries',
  auth: 'jwt',
  scopes: [ADMIN_SCOPE],
  params: IdParams,
  query: pageQuery(LIMITS.webhookDeliveriesPageDefault, 200),
  success: { status: 200, schema: WebhookDeliveryPage, description: `An endpoint's delivery attempts, newest first (kept ${LIMITS.webhookDeliveriesKeptDays} days).` },
  errors: ['NOT_FOUND'],
  summary: "An outbound webhook endpoint's deliveries (admin)",
  tag: 'admin',
});
