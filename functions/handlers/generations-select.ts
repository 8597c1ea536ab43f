import { select } from '../core/generations.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';
import { contentHistory } from '../composition/content-history.ts';
import { imageFeature } from '../composition/image-feature.ts';
import route from '../routes/generations-select.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('generations-select', [creditStore, generationStore, contentHistory, imageFeature]);

export const handler = httpHandler(route, composition, async ({ caller, params, body }, deps) => await select(deps, caller.accountId, params.id, body.index));
