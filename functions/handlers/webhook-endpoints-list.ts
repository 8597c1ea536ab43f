import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { webhookStore } from '../composition/webhook-store.ts';
import route from '../routes/webhook-endpoints-list.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('webhook-endpoints-list', [webhookStore]);

export const handler = httpHandler(route, composition, async (_req, deps) => ({ items: await deps.webhooks.list() }));
