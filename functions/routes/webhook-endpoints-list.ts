import { ADMIN_SCOPE } from '../config.ts';
import { WebhookEndpointList } from './shapes/webhooks.ts';
import { route } from './route.ts';

export default route({
  functionId: 'webhook-endpoints-list',
  method: 'GET',
  path: '/v1/admin/webhook-endpoints',
  auth: 'jwt',
  scopes: [ADMIN_SCOPE],
  success: { status: 200, schema: WebhookEndpointList, description: 'Every registered endpoint, oldest first, without secrets.' },
  summary: 'List the outbound webhook endpoints (admin)',
  tag: 'admin',
});
