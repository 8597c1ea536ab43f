import { z } from 'zod';
import { select } from '../core/generations.ts';
import { SelectRequest } from '../core/schemas.ts';
import { httpHandler, ok } from '../http/handler.ts';
// Image enhancement: this function has uploads access, hence sharp (see image-ports.ts).
import '../http/image-ports.ts';

export const handler = httpHandler({ params: z.object({ id: z.string().min(1).max(100) }), body: SelectRequest }, async ({ caller, params, body }, deps) =>
  ok(await select(deps, caller.accountId, params.id, body.index)),
);
