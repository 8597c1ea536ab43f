import { setAutoTopUp } from '../core/auto-top-up.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStoreWithAutoTopUp } from '../composition/auto-top-up.ts';
import { billingStore } from '../composition/billing-store.ts';
import route from '../routes/auto-top-up-put.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('auto-top-up-put', [creditStoreWithAutoTopUp, billingStore]);

export const handler = httpHandler(route, composition, async ({ caller, body }, deps) => await setAutoTopUp(deps, caller.accountId, body));
