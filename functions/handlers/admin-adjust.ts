import * as z from 'zod';
import { ADMIN_SCOPE } from '../config.ts';
import { adjust } from '../core/credits.ts';
import { creditsView } from '../core/credits-view.ts';
import { currentRate } from '../core/rate-limit.ts';
import { AdjustmentRequest, accountIdParam } from '../core/schemas.ts';
import { created, httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import { idempotency } from '../composition/idempotency.ts';
import { rateStore } from '../composition/rate-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('admin-adjust', [creditStore, rateStore, idempotency]);
const deps = composition.deps;

export const handler = httpHandler(
  { deps, scope: ADMIN_SCOPE, params: z.object({ accountId: accountIdParam }), body: AdjustmentRequest, idempotent: true },
  async ({ params, body }, deps) => {
    const account = await adjust(deps, params.accountId, body.amount, body.reason);
    return created({ adjustment: { amount: body.amount, reason: body.reason }, ...creditsView(account, await currentRate(deps, params.accountId)) });
  },
);
