import { z } from 'zod';
import { cancelPost } from '../core/blog-posts.ts';
import { httpHandler, ok } from '../http/handler.ts';

export const handler = httpHandler({ params: z.object({ id: z.string().min(1).max(100) }) }, async ({ caller, params }, deps) =>
  ok(await cancelPost(deps, caller.accountId, params.id)),
);
