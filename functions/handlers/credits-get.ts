import { getCredits } from '../core/credits-view.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import { rateStore } from '../composition/rate-store.ts';
import route from '../routes/credits-get.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('credits-get', [creditStore, rateStore]);

export const handler = httpHandler(route, composition, async ({ caller }, deps) => await getCredits(deps, caller.accountId));
