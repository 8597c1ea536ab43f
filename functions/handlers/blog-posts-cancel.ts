import * as z from 'zod';
import { cancelPost } from '../core/blog-posts.ts';
import { httpHandler, ok } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { blogStore } from '../composition/blog-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';
import { scheduler } from '../composition/scheduler.ts';
import { capStore } from '../composition/cap-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('blog-posts-cancel', [creditStore, generationStore, blogStore, scheduler, capStore]);
const deps = composition.deps;

export const handler = httpHandler({ deps, params: z.object({ id: z.string().min(1).max(100) }) }, async ({ caller, params }, deps) =>
  ok(await cancelPost(deps, caller.accountId, params.id)),
);
