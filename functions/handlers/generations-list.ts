import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { generationStore } from '../composition/generation-store.ts';
import route from '../routes/generations-list.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('generations-list', [generationStore]);

export const handler = httpHandler(route, composition, async ({ caller, query }, deps) => {
  const { productId, feature, limit, cursor } = query;
  return await deps.generations.listGenerations!(caller.accountId, { productId, feature }, limit, cursor);
});
