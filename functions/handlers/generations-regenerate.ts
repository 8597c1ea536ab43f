import { z } from 'zod';
import { regenerate } from '../core/generations.ts';
import { created, httpHandler } from '../http/handler.ts';
// Image enhancement: this function has uploads access, hence sharp (see image-ports.ts).
import '../http/image-ports.ts';
import { rateLimitHeaders } from '../http/rate-limit-headers.ts';

export const handler = httpHandler({ params: z.object({ id: z.string().min(1).max(100) }), idempotent: true }, async ({ caller, params, idempotencyKey }, deps) => {
  const { generation, rate } = await regenerate(deps, caller.accountId, params.id, idempotencyKey);
  return created(generation, rateLimitHeaders({ ...rate, windowSeconds: deps.rateLimit.windowSeconds }));
});
