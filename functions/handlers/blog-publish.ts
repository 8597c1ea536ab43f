import * as z from '#zod';
import { publishPost } from '../core/blog-posts.ts';
import { log } from '../observability/log.ts';
import { compose } from '../composition/compose.ts';
import { blogStore } from '../composition/blog-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import { generationStore } from '../composition/generation-store.ts';
import { capStore } from '../composition/cap-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('blog-publish', [creditStore, generationStore, blogStore, capStore]);
const deps = composition.deps;
import { eventHandler } from '../observability/middleware.ts';

/** What the one-time schedule passes as its input (the same in AWS and in the local stack). */
const Payload = z.object({ accountId: z.string().check(z.minLength(1), z.maxLength(100)), postId: z.string().check(z.minLength(1), z.maxLength(100)) });

/**
 * Target of a blog post's one-time schedule (EventBridge Scheduler). Safe to invoke any number of
 * times: the post publishes once, a canceled one never. A throw makes the scheduler retry, then
 * dead-letter the invocation.
 */
export const handler = eventHandler(async (event: unknown): Promise<{ outcome: string }> => {
  const payload = Payload.safeParse(event);
  if (!payload.success) {
    log.error('blog-publish got an invalid payload');
    throw new Error(`blog-publish got an invalid payload: ${payload.error.message}`);
  }
  const outcome = await publishPost(deps, payload.data);
  log.info('blog post publish', { ...payload.data, outcome });
  return { outcome };
});
