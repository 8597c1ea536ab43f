import { schedulePost } from '../core/blog-posts.ts';
import { BlogPostRequest } from '../core/schemas.ts';
import { created, httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { blogStore } from '../composition/blog-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';
import { idempotency } from '../composition/idempotency.ts';
import { scheduler } from '../composition/scheduler.ts';
import { capStore } from '../composition/cap-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('blog-posts-create', [creditStore, generationStore, blogStore, scheduler, idempotency, capStore]);
const deps = composition.deps;

export const handler = httpHandler({ deps, body: BlogPostRequest, idempotent: true }, async ({ caller, body }, deps) =>
  created(await schedulePost(deps, caller.accountId, body)),
);
