import { LedgerQuery } from '../core/schemas.ts';
import { ledgerPage } from '../core/ledger.ts';
import { httpHandler, ok } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('ledger-get', [creditStore]);
const deps = composition.deps;

export const handler = httpHandler({ deps, query: LedgerQuery }, async ({ caller, query }, deps) =>
  ok(await ledgerPage(deps, caller.accountId, query.limit, query.cursor)),
);
