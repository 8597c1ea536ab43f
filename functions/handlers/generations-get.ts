import { z } from 'zod';
import { getGeneration } from '../core/generations.ts';
import { httpHandler, ok } from '../http/handler.ts';
// Image enhancement: this function has uploads access, hence sharp (see image-ports.ts).
import '../http/image-ports.ts';

export const handler = httpHandler({ params: z.object({ id: z.string().min(1).max(100) }) }, async ({ caller, params }, deps) =>
  ok(await getGeneration(deps, caller.accountId, params.id)),
);
