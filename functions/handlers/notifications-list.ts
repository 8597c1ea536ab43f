import * as z from 'zod';
import { LIMITS } from '../config.ts';
import { httpHandler, ok } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('notifications-list', [creditStore]);
const deps = composition.deps;

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(LIMITS.notificationsPageDefault),
  cursor: z.string().min(1).max(300).optional(),
});

export const handler = httpHandler({ deps, query: Query }, async ({ caller, query }, deps) =>
  ok(await deps.notifications.list(caller.accountId, query.limit, query.cursor)),
);
