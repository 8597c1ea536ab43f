import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import route from '../routes/notifications-list.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('notifications-list', [creditStore]);

export const handler = httpHandler(route, composition, async ({ caller, query }, deps) => await deps.notifications.list(caller.accountId, query.limit, query.cursor));
