import * as z from 'zod';
import { NotFound } from '../core/errors.ts';
import { httpHandler, ok } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('notifications-read', [creditStore]);
const deps = composition.deps;

export const handler = httpHandler({ deps, params: z.object({ id: z.string().min(1).max(100) }) }, async ({ caller, params }, deps) => {
  const n = await deps.notifications.markRead(caller.accountId, params.id, deps.clock.now().toISOString());
  if (!n) throw new NotFound(`Notification ${params.id} was not found.`);
  return ok(n);
});
