import { ADMIN_SCOPE } from '../config.ts';
import { WebhookEndpointCreated, WebhookEndpointRequest } from './shapes/webhooks.ts';
import { route } from './route.ts';

export default route({
  functionId: 'webhook-endpoints-create',
  method: 'POST',
  path: '/v1/admin/webhook-endpoints',
  auth: 'jwt',
  scopes: [ADMIN_SCOPE],
  body: WebhookEndpointRequest,
  success: { status: 201, schema: WebhookEndpointCreated, description: 'Registered; the secret is shown only here.' },
  errors: ['LIMIT_REACHED'],
  summary: 'Register an outbound webhook endpoint (admin, platform-wide)',
  tag: 'admin',
});
