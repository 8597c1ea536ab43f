import { receiveWebhook } from '../core/billing.ts';
import { InvalidSignature, ServiceUnavailable, ValidationFailed } from '../core/errors.ts';
import { handlerMetrics } from '../adapters/powertools-telemetry.ts';
import { httpHandler } from '../http/handler.ts';
import { log } from '../observability/log.ts';
import { compose } from '../composition/compose.ts';
import { events } from '../composition/events.ts';
import { webhookSecrets } from '../composition/webhook-secrets.ts';
import route from '../routes/webhook-subscriptions.ts';

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

// The route documents its body but gives the wrapper none to parse: the signature is checked over the raw body first.
export const handler = httpHandler(route, composition, async ({ headers, rawBody }, deps) =>
  await receiveWebhook({ clock: deps.clock, events: deps.events, secrets }, headers['webhook-signature'], rawBody).catch(rejected),
);
