import { listPosts } from '../core/blog-posts.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { blogStore } from '../composition/blog-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';
import route from '../routes/blog-posts-list.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('blog-posts-list', [creditStore, generationStore, blogStore]);

export const handler = httpHandler(route, composition, async ({ caller, query }, deps) => await listPosts(deps, caller.accountId, query));
