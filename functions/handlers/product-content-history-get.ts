import { shownVersion } from '../core/content-history.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { contentHistory } from '../composition/content-history.ts';
import route from '../routes/product-content-history-get.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('product-content-history-get', [contentHistory]);

export const handler = httpHandler(route, composition, async ({ caller, params, query }, deps) => {
  const page = await deps.history.listVersions(caller.accountId, params.productId, query.field, query.limit, query.cursor);
  return { items: page.items.map(shownVersion), nextCursor: page.nextCursor };
});
