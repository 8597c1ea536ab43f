/** Reading a whole ledger through the store's pages, and what every ledger must satisfy. */
import { expect } from 'vitest';
import { availableOf, type CreditStore, type LedgerEntry } from '../../functions/core/ports.ts';

/** The whole ledger, newest first, read page by page as a client would (small pages cross block items). */
export async function wholeLedger(store: CreditStore, accountId: string, pageSize = 100): Promise<LedgerEntry[]> {
  const all: LedgerEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.ledgerPage(accountId, pageSize, cursor);
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/**
 * The ledger is whole: newest first and contiguous from `seq` down to 1 (nothing lost, nothing doubled),
 * each entry once, summing to the balance, and each entry's balance the one before it plus its amount.
 */
export async function expectLedgerMatches(store: CreditStore, accountId: string, pageSize = 100) {
  const account = (await store.getAccount(accountId))!;
  const ledger = await wholeLedger(store, accountId, pageSize);
  expect(ledger.map((e) => e.seq)).toEqual(Array.from({ length: account.seq }, (_, i) => account.seq - i));
  expect(new Set(ledger.map((e) => e.id)).size).toBe(ledger.length);
  expect(ledger.reduce((s, e) => s + e.amount, 0)).toBe(availableOf(account));
  expect(ledger[0]?.balanceAfter ?? 0).toBe(availableOf(account));
  for (let i = 0; i + 1 < ledger.length; i++) expect(ledger[i].balanceAfter - ledger[i].amount).toBe(ledger[i + 1].balanceAfter);
  // An entry that lists its sources accounts for its whole amount with them.
  for (const e of ledger) if (e.sources) expect(e.sources.reduce((s, x) => s + x.amount, 0)).toBe(e.amount);
  return { account, ledger };
}
