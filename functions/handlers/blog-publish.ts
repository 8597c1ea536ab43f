import { z } from 'zod';
import { publishPost } from '../core/blog-posts.ts';
import { deps } from '../http/deps.ts';
import { log } from '../http/log.ts';
import { eventHandler } from '../observability/middleware.ts';

/** What the one-time schedule passes as its input (the same in AWS and in the local stack). */
const Payload = z.object({ accountId: z.string().min(1).max(100), postId: z.string().min(1).max(100) });

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
  const outcome = await publishPost(deps(), payload.data);
  log.info('blog post publish', { ...payload.data, outcome });
  return { outcome };
});
