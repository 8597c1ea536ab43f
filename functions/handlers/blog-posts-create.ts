import { schedulePost } from '../core/blog-posts.ts';
import { BlogPostRequest } from '../core/schemas.ts';
import { created, httpHandler } from '../http/handler.ts';

export const handler = httpHandler({ body: BlogPostRequest, idempotent: true }, async ({ caller, body }, deps) =>
  created(await schedulePost(deps, caller.accountId, body)),
);
