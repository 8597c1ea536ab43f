import { createTopUp } from '../core/top-ups.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { billingStore } from '../composition/billing-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import { idempotency } from '../composition/idempotency.ts';
import route from '../routes/top-up-create.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('top-up-create', [creditStore, billingStore, idempotency], ['CHECKOUT_BASE_URL']);

export const handler = httpHandler(route, composition, async ({ caller, body }, deps) => await createTopUp(deps, caller.accountId, body.packId, deps.env.CHECKOUT_BASE_URL));
