import { z } from 'zod';
import { ADMIN_SCOPE } from '../config.ts';
import { adjust } from '../core/credits.ts';
import { creditsView } from '../core/credits-view.ts';
import { currentRate } from '../core/rate-limit.ts';
import { AdjustmentRequest, accountIdParam } from '../core/schemas.ts';
import { created, httpHandler } from '../http/handler.ts';

export const handler = httpHandler(
  { scope: ADMIN_SCOPE, params: z.object({ accountId: accountIdParam }), body: AdjustmentRequest, idempotent: true },
  async ({ params, body }, deps) => {
    const account = await adjust(deps, params.accountId, body.amount, body.reason);
    return created({ adjustment: { amount: body.amount, reason: body.reason }, ...creditsView(account, await currentRate(deps, params.accountId)) });
  },
);
