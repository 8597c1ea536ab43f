import { merchantUsage } from '../core/usage.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import route from '../routes/usage-get.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('usage-get', [creditStore]);

export const handler = httpHandler(route, composition, async ({ caller, query }, deps) => await merchantUsage(deps, caller.accountId, query));
