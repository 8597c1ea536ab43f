import { registerEndpoint } from '../core/webhooks.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { webhookSigning } from '../composition/webhook-signing.ts';
import { webhookStore } from '../composition/webhook-store.ts';
import route from '../routes/webhook-endpoints-create.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('webhook-endpoints-create', [webhookStore, webhookSigning]);

export const handler = httpHandler(route, composition, async ({ body }, deps) => await registerEndpoint(deps, body));
