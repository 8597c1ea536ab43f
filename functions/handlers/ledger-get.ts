import { LedgerQuery } from '../core/schemas.ts';
import { ledgerPage } from '../core/ledger.ts';
import { httpHandler, ok } from '../http/handler.ts';

export const handler = httpHandler({ query: LedgerQuery }, async ({ caller, query }, deps) =>
  ok(await ledgerPage(deps, caller.accountId, query.limit, query.cursor)),
);
