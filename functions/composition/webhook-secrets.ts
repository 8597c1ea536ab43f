import { webhookSecrets as readSecrets } from '../adapters/webhook-secrets.ts';
import type { Port } from './compose.ts';

/** In AWS the Secrets Manager secret (`WEBHOOK_SECRET_ARN`); locally the value (`WEBHOOK_SECRET`). */
export const webhookSecrets: Port<'webhookSecrets'> = {
  name: 'webhook-secrets',
  provides: ['webhookSecrets'],
  env: ['WEBHOOK_SECRET_ARN', 'WEBHOOK_SECRET', 'WEBHOOK_SECRETS_PREVIOUS', 'WEBHOOK_SECRET_ROTATED_AT', 'WEBHOOK_PREVIOUS_SECRET_TTL_SECONDS'],
  access: ['webhook-secret'],
  build: (env, deps) => ({ webhookSecrets: readSecrets(env, deps.clock) }),
};
