import { makeSigningKey } from '../adapters/signing-key.ts';
import { checkWebhookUrl, makeWebhookSender } from '../adapters/webhook-sender.ts';
import type { Port } from './compose.ts';

/**
 * Outbound webhook signing and sending: the signing key (endpoint secrets derive from it), the URL check
 * of registration and the address-pinned sender of deliveries (`LOCAL_STACK` also admits 127.0.0.1).
 */
export const webhookSigning: Port<'signingKey' | 'checkWebhookUrl' | 'webhookSender'> = {
  name: 'webhook-signing',
  provides: ['signingKey', 'checkWebhookUrl', 'webhookSender'],
  env: ['OUTBOUND_SIGNING_KEY', 'OUTBOUND_SIGNING_KEY_ARN'],
  access: ['outbound-signing-key'],
  build: (env) => {
    const policy = { local: env.LOCAL_STACK === '1' };
    return { signingKey: makeSigningKey(env), checkWebhookUrl: (url: string) => checkWebhookUrl(url, policy), webhookSender: makeWebhookSender(policy) };
  },
};
