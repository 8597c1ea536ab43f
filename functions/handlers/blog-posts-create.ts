import { schedulePost } from '../core/blog-posts.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { blogStore } from '../composition/blog-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';
import { idempotency } from '../composition/idempotency.ts';
import { scheduler } from '../composition/scheduler.ts';
import { capStore } from '../composition/cap-store.ts';
import route from '../routes/blog-posts-create.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('blog-posts-create', [creditStore, generationStore, blogStore, scheduler, idempotency, capStore]);

export const handler = httpHandler(route, composition, async ({ caller, body }, deps) => await schedulePost(deps, caller.accountId, body));
