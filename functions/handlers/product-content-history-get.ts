import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { contentHistory } from '../composition/content-history.ts';
import route from '../routes/product-content-history-get.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('product-content-history-get', [contentHistory]);

export const handler = httpHandler(route, composition, async ({ caller, params, query }, deps) => {
  const page = await deps.history.listVersions(caller.accountId, params.productId, query.field, query.limit, query.cursor);
  // The stored result's key stays inside: the current image is presigned by GET …/content.
  return { items: page.items.map(({ value, ...v }) => ({ ...v, value: v.field === 'image' && value && typeof value === 'object' && 'key' in value ? (({ key: _k, ...shown }) => shown)(value) : value })), nextCursor: page.nextCursor };
});
