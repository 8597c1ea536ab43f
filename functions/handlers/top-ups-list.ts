import { listTopUps } from '../core/top-ups.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { billingStore } from '../composition/billing-store.ts';
import { creditStore } from '../composition/credit-store.ts';
import route from '../routes/top-ups-list.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('top-ups-list', [creditStore, billingStore]);

export const handler = httpHandler(route, composition, async ({ caller, query }, deps) => await listTopUps(deps, caller.accountId, query.limit, query.cursor));
