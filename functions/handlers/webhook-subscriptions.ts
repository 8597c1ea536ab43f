import { receiveWebhook } from '../core/billing.ts';
import { InvalidSignature, ServiceUnavailable, ValidationFailed } from '../core/errors.ts';
import { handlerMetrics } from '../adapters/powertools-telemetry.ts';
import { accepted, httpHandler } from '../http/handler.ts';
import { log } from '../http/log.ts';
import { compose } from '../composition/compose.ts';
import { events } from '../composition/events.ts';
import { webhookSecrets } from '../composition/webhook-secrets.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('webhook-subscriptions', [events, webhookSecrets]);
const deps = composition.deps;

const secrets = () =>
  deps.webhookSecrets().catch((err) => {
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

// No body schema: the signature is checked over the raw body before any parsing.
export const handler = httpHandler({ deps, auth: 'none' }, async ({ headers, rawBody }, deps) =>
  accepted(await receiveWebhook({ clock: deps.clock, events: deps.events, secrets }, headers['webhook-signature'], rawBody).catch(rejected)),
);
