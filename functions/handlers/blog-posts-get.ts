import { getPost } from '../core/blog-posts.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { blogStore } from '../composition/blog-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';
import route from '../routes/blog-posts-get.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('blog-posts-get', [creditStore, generationStore, blogStore]);

export const handler = httpHandler(route, composition, async ({ caller, params }, deps) => await getPost(deps, caller.accountId, params.id));
