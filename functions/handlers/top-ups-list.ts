import { z } from 'zod';
import { listTopUps } from '../core/top-ups.ts';
import { httpHandler, ok } from '../http/handler.ts';

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(400).optional(),
});

export const handler = httpHandler({ query: Query }, async ({ caller, query }, deps) =>
  ok(await listTopUps(deps, caller.accountId, query.limit, query.cursor)),
);
