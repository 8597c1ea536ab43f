import * as z from 'zod';
import { listTopUps } from '../core/top-ups.ts';
import { httpHandler, ok } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { billingStore } from '../composition/billing-store.ts';
import { creditStore } from '../composition/credit-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('top-ups-list', [creditStore, billingStore]);
const deps = composition.deps;

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(400).optional(),
});

export const handler = httpHandler({ deps, query: Query }, async ({ caller, query }, deps) =>
  ok(await listTopUps(deps, caller.accountId, query.limit, query.cursor)),
);
