import { z } from 'zod';
import { productContent } from '../core/generations.ts';
import { httpHandler, ok } from '../http/handler.ts';

export const handler = httpHandler({ params: z.object({ productId: z.string().min(1).max(100) }) }, async ({ caller, params }, deps) =>
  ok(await productContent(deps, caller.accountId, params.productId)),
);
