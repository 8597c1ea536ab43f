/**
 * The ledger as a CSV file (Settings › Export CSV): one line per API entry, in the API's order (newest
 * first), with the columns below. Fields are quoted as RFC 4180 says: a field holding a comma, a quote or
 * a line break is put in double quotes, its quotes doubled. Pure functions, so they are tested without a page.
 */
import type { LedgerItem } from './types.ts';

export const LEDGER_CSV_COLUMNS = [
  'at',
  'type',
  'amount',
  'bucket',
  'balanceAfter',
  'feature',
  'generationId',
  'productId',
  'topUpId',
  'grantId',
  'reason',
] as const satisfies ReadonlyArray<keyof LedgerItem>;

/** One field: empty for a missing value, quoted when it must be (leading or trailing spaces too, which some readers trim). */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The header and one line per entry, CRLF-separated, ending with a line break. */
export function ledgerCsv(entries: readonly LedgerItem[]): string {
  const lines = [LEDGER_CSV_COLUMNS.join(',')];
  for (const e of entries) lines.push(LEDGER_CSV_COLUMNS.map((c) => csvField(e[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Reads every entry by following `nextCursor` from the first page. A cursor seen twice ends the read
 * instead of looping (a misbehaving proxy), so the file holds what was read.
 */
export async function readWholeLedger(
  page: (cursor: string | null) => Promise<{ items: LedgerItem[]; nextCursor: string | null }>,
): Promise<LedgerItem[]> {
  const all: LedgerItem[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const res = await page(cursor);
    all.push(...res.items);
    cursor = res.nextCursor;
    if (cursor !== null && seen.has(cursor)) break;
    if (cursor !== null) seen.add(cursor);
  } while (cursor !== null);
  return all;
}
