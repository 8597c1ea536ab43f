import { receiveWebhook } from '../core/billing.ts';
import { InvalidSignature, ServiceUnavailable, ValidationFailed } from '../core/errors.ts';
import { handlerMetrics } from '../adapters/powertools-telemetry.ts';
import { parseEnv } from '../config.ts';
import { makeEventPublisher } from '../adapters/event-publisher.ts';
import { webhookSecrets } from '../adapters/webhook-secrets.ts';
import { accepted, httpHandler } from '../http/handler.ts';
import { log } from '../http/log.ts';

// Built once per cold start. No body schema: the signature is checked over the raw body before any parsing.
const env = parseEnv();
const events = makeEventPublisher(env);
const readSecrets = webhookSecrets(env);
const secrets = () =>
  readSecrets().catch((err) => {
    log.error('webhook secrets unavailable', { error: String(err) });
    throw new ServiceUnavailable('The webhook cannot be verified right now. Retry the delivery.');
  });

/** Why a delivery was refused, as the WebhookRejected metric's `reason` (a burst of `signature` is an attack or a bad secret). */
function rejected(err: unknown): never {
  const reason = err instanceof InvalidSignature ? 'signature' : err instanceof ValidationFailed ? 'invalid' : undefined;
  if (reason) {
    handlerMetrics.webhookRejected(reason);
    log.warn('webhook rejected', { reason });
  }
  throw err;
}

export const handler = httpHandler({ auth: 'none' }, async ({ headers, rawBody }, deps) =>
  accepted(await receiveWebhook({ clock: deps.clock, events, secrets }, headers['webhook-signature'], rawBody).catch(rejected)),
);
