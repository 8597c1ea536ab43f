import { endpointDeliveries } from '../core/webhooks.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { webhookStore } from '../composition/webhook-store.ts';
import route from '../routes/webhook-deliveries-list.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('webhook-deliveries-list', [webhookStore]);

export const handler = httpHandler(route, composition, async ({ params, query }, deps) => await endpointDeliveries(deps, params.id, query.limit, query.cursor));
