import * as z from 'zod';
import { getPost } from '../core/blog-posts.ts';
import { httpHandler, ok } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { blogStore } from '../composition/blog-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('blog-posts-get', [creditStore, generationStore, blogStore]);
const deps = composition.deps;

export const handler = httpHandler({ deps, params: z.object({ id: z.string().min(1).max(100) }) }, async ({ caller, params }, deps) =>
  ok(await getPost(deps, caller.accountId, params.id)),
);
