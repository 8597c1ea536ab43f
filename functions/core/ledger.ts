/** Usage history, newest first. */
import type { CreditsDeps } from './credits.ts';
import { ensureAccount } from './credits.ts';
import type { LedgerEntry } from './ports.ts';

export interface LedgerItemView {
  id: string;
  at: string;
  type: LedgerEntry['type'];
  amount: number;
  bucket: LedgerEntry['bucket'];
  balanceAfter: number;
  feature?: string;
  generationId?: string;
  productId?: string;
  topUpId?: string;
  reason?: string;
}

export async function ledgerPage(deps: CreditsDeps, accountId: string, limit: number, cursor?: string) {
  await ensureAccount(deps, accountId);
  const page = await deps.store.ledgerPage(accountId, limit, cursor);
  return {
    items: page.items.map(({ seq: _seq, ...rest }): LedgerItemView => rest),
    nextCursor: page.nextCursor,
  };
}
