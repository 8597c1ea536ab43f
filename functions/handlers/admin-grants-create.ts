import { grantCredits } from '../core/credits.ts';
import { creditsView } from '../core/credits-view.ts';
import { keyedId } from '../core/ids.ts';
import { afterChange } from '../core/outbox.ts';
import { currentRate } from '../core/rate-limit.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import { idempotency } from '../composition/idempotency.ts';
import { rateStore } from '../composition/rate-store.ts';
import route from '../routes/admin-grants-create.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('admin-grants-create', [creditStore, rateStore, idempotency]);

export const handler = httpHandler(route, composition, async ({ params, body, caller, idempotencyKey }, deps) => {
  // An instant with an offset is stored as UTC, so expiry compares as strings.
  const expiresAt = body.expiresAt === undefined ? undefined : new Date(body.expiresAt).toISOString();
  // A keyed grant is named by its key: a retry after the process died past the grant write (its
  // idempotency record still in progress, then expired) finds that grant instead of making another.
  const grantId = idempotencyKey === undefined ? undefined : keyedId('grt', `${caller.accountId}|${params.accountId}|${idempotencyKey}`);
  const { grant, account } = await grantCredits(deps, params.accountId, { ...body, expiresAt }, grantId);
  // A grant can end a dip (credits_recovered).
  await afterChange(deps, account);
  const { id, amount, remaining, category, createdAt } = grant;
  return {
    id,
    amount,
    remaining,
    category: category!,
    expiresAt: grant.expiresAt,
    createdAt,
    credits: creditsView(account, await currentRate(deps, params.accountId), deps.clock.now().toISOString()),
  };
});
