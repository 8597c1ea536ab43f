import { NotFound } from '../core/errors.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import route from '../routes/notifications-read.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('notifications-read', [creditStore]);

export const handler = httpHandler(route, composition, async ({ caller, params }, deps) => {
  const n = await deps.notifications.markRead(caller.accountId, params.id, deps.clock.now().toISOString());
  if (!n) throw new NotFound(`Notification ${params.id} was not found.`);
  return n;
});
