import { z } from 'zod';
import { LIMITS } from '../config.ts';
import { httpHandler, ok } from '../http/handler.ts';

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(LIMITS.notificationsPageDefault),
  cursor: z.string().min(1).max(300).optional(),
});

export const handler = httpHandler({ query: Query }, async ({ caller, query }, deps) =>
  ok(await deps.notifications.list(caller.accountId, query.limit, query.cursor)),
);
