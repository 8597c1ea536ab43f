import { NotFound } from '../core/errors.ts';
import { removeEndpoint } from '../core/webhooks.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { webhookStore } from '../composition/webhook-store.ts';
import route from '../routes/webhook-endpoints-delete.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('webhook-endpoints-delete', [webhookStore]);

export const handler = httpHandler(route, composition, async ({ params }, deps) => {
  const endpoint = (await deps.webhooks.list()).find((e) => e.id === params.id);
  if (!endpoint) throw new NotFound(`No webhook endpoint ${params.id}.`);
  // Guarded on the endpoint still being there: of two parallel removals one answers 404.
  await removeEndpoint(deps, params.id);
  return endpoint;
});
