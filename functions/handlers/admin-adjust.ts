import { adjust } from '../core/credits.ts';
import { creditsView } from '../core/credits-view.ts';
import { afterChange } from '../core/outbox.ts';
import { currentRate } from '../core/rate-limit.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import { idempotency } from '../composition/idempotency.ts';
import { rateStore } from '../composition/rate-store.ts';
import route from '../routes/admin-adjust.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('admin-adjust', [creditStore, rateStore, idempotency]);

export const handler = httpHandler(route, composition, async ({ params, body }, deps) => {
  const account = await adjust(deps, params.accountId, body.amount, body.reason);
  // A credit can end a dip, a debit start one.
  await afterChange(deps, account);
  return { adjustment: { amount: body.amount, reason: body.reason }, ...creditsView(account, await currentRate(deps, params.accountId), deps.clock.now().toISOString()) };
});
