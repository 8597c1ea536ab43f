import { getCredits } from '../core/credits-view.ts';
import { httpHandler, ok } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import { rateStore } from '../composition/rate-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('credits-get', [creditStore, rateStore]);
const deps = composition.deps;

export const handler = httpHandler({ deps }, async ({ caller }, deps) => ok(await getCredits(deps, caller.accountId)));
