import { createTopUp } from '../core/top-ups.ts';
import { TopUpRequest } from '../core/schemas.ts';
import { created, httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { billingStore } from '../composition/billing-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import { idempotency } from '../composition/idempotency.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('top-up-create', [creditStore, billingStore, idempotency], ['CHECKOUT_BASE_URL']);
const deps = composition.deps;

export const handler = httpHandler({ deps, body: TopUpRequest, idempotent: true }, async ({ caller, body }, deps) =>
  created(await createTopUp(deps, caller.accountId, body.packId, deps.env.CHECKOUT_BASE_URL)),
);
