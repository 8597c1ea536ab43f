import { generate } from '../core/generations.ts';
import { GenerateRequest } from '../core/schemas.ts';
import { created, httpHandler } from '../http/handler.ts';
// Image enhancement: this function has uploads access, hence sharp (see image-ports.ts).
import '../http/image-ports.ts';
import { rateLimitHeaders } from '../http/rate-limit-headers.ts';

export const handler = httpHandler({ body: GenerateRequest, idempotent: true }, async ({ caller, body, idempotencyKey }, deps) => {
  const { generation, rate } = await generate(deps, { accountId: caller.accountId, ...body, idempotencyKey });
  return created(generation, rateLimitHeaders({ ...rate, windowSeconds: deps.rateLimit.windowSeconds }));
});
