import { listPosts } from '../core/blog-posts.ts';
import { BlogPostsQuery } from '../core/schemas.ts';
import { httpHandler, ok } from '../http/handler.ts';

export const handler = httpHandler({ query: BlogPostsQuery }, async ({ caller, query }, deps) => ok(await listPosts(deps, caller.accountId, query)));
