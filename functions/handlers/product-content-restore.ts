import { restoreVersion, shownVersion } from '../core/content-history.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { contentHistory } from '../composition/content-history.ts';
import { generationStore } from '../composition/generation-store.ts';
import route from '../routes/product-content-restore.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('product-content-restore', [generationStore, contentHistory]);

export const handler = httpHandler(route, composition, async ({ caller, params, body }, deps) => {
  const version = await restoreVersion(deps, caller.accountId, params.productId, body.versionId);
  return { productId: params.productId, versions: [shownVersion(version)] };
});
