import { productContent } from '../core/generations.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';
import { imageFeature } from '../composition/image-feature.ts';
import route from '../routes/product-content-get.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('product-content-get', [creditStore, generationStore, imageFeature]);

export const handler = httpHandler(route, composition, async ({ caller, params }, deps) => await productContent(deps, caller.accountId, params.productId));
