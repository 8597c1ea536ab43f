import { DynamoWebhookStore } from '../adapters/dynamo-webhook-store.ts';
import type { Port } from './compose.ts';
import { dynamo } from './dynamo.ts';

/** The webhook endpoint registry and deliveries log (one registry item, log items per endpoint). */
export const webhookStore: Port<'webhooks'> = {
  name: 'webhook-store',
  provides: ['webhooks'],
  env: ['TABLE_NAME'],
  access: ['table:read', 'table:write'],
  needs: [dynamo],
  build: (env, deps) => ({ webhooks: new DynamoWebhookStore(deps.dynamo.doc, env.TABLE_NAME, deps.clock) }),
};
