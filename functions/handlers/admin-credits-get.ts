import * as z from 'zod';
import { ADMIN_SCOPE } from '../config.ts';
import { getAccountCredits } from '../core/credits-view.ts';
import { accountIdParam } from '../core/schemas.ts';
import { httpHandler, ok } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import { rateStore } from '../composition/rate-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('admin-credits-get', [creditStore, rateStore]);
const deps = composition.deps;

export const handler = httpHandler({ deps, scope: ADMIN_SCOPE, params: z.object({ accountId: accountIdParam }) }, async ({ params }, deps) =>
  ok(await getAccountCredits(deps, params.accountId)),
);
