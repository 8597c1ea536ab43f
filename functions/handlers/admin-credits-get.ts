import { z } from 'zod';
import { ADMIN_SCOPE } from '../config.ts';
import { getAccountCredits } from '../core/credits-view.ts';
import { accountIdParam } from '../core/schemas.ts';
import { httpHandler, ok } from '../http/handler.ts';

export const handler = httpHandler({ scope: ADMIN_SCOPE, params: z.object({ accountId: accountIdParam }) }, async ({ params }, deps) =>
  ok(await getAccountCredits(deps, params.accountId)),
);
