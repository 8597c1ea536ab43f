import { ADMIN_SCOPE } from '../config.ts';
import { IdParams } from './shapes/common.ts';
import { WebhookEndpoint } from './shapes/webhooks.ts';
import { route } from './route.ts';

export default route({
  functionId: 'webhook-endpoints-delete',
  method: 'DELETE',
  path: '/v1/admin/webhook-endpoints/{id}',
  auth: 'jwt',
  scopes: [ADMIN_SCOPE],
  params: IdParams,
  success: { status: 200, schema: WebhookEndpoint, description: 'The removed endpoint: nothing more is delivered to it, pending retries included.' },
  errors: ['NOT_FOUND'],
  summary: 'Remove an outbound webhook endpoint (admin)',
  tag: 'admin',
});
