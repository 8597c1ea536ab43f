import { listPosts } from '../core/blog-posts.ts';
import { BlogPostsQuery } from '../core/schemas.ts';
import { httpHandler, ok } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { blogStore } from '../composition/blog-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('blog-posts-list', [creditStore, generationStore, blogStore]);
const deps = composition.deps;

export const handler = httpHandler({ deps, query: BlogPostsQuery }, async ({ caller, query }, deps) => ok(await listPosts(deps, caller.accountId, query)));
