import { z } from 'zod';
import { productContent } from '../core/generations.ts';
import { httpHandler, ok } from '../http/handler.ts';
// Image enhancement: this function has uploads access, hence sharp (see image-ports.ts).
import '../http/image-ports.ts';

export const handler = httpHandler({ params: z.object({ productId: z.string().min(1).max(100) }) }, async ({ caller, params }, deps) =>
  ok(await productContent(deps, caller.accountId, params.productId)),
);
