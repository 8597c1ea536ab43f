import { setProductContent, type ContentVersion } from '../core/content-history.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { contentHistory } from '../composition/content-history.ts';
import { generationStore } from '../composition/generation-store.ts';
import route from '../routes/product-content-put.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('product-content-put', [generationStore, contentHistory]);

export const handler = httpHandler(route, composition, async ({ caller, params, body }, deps) => {
  const versions: ContentVersion[] = await setProductContent(deps, caller.accountId, params.productId, body, 'manual', deps.clock.now().toISOString());
  return { productId: params.productId, versions };
});
