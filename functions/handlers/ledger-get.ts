import { ledgerPage } from '../core/ledger.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import route from '../routes/ledger-get.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('ledger-get', [creditStore]);

export const handler = httpHandler(route, composition, async ({ caller, query }, deps) => await ledgerPage(deps, caller.accountId, query.limit, query.cursor));
