import { cancelPost } from '../core/blog-posts.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { blogStore } from '../composition/blog-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';
import { scheduler } from '../composition/scheduler.ts';
import { capStore } from '../composition/cap-store.ts';
import route from '../routes/blog-posts-cancel.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('blog-posts-cancel', [creditStore, generationStore, blogStore, scheduler, capStore]);

export const handler = httpHandler(route, composition, async ({ caller, params }, deps) => await cancelPost(deps, caller.accountId, params.id));
