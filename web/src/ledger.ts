/**
 * Usage history as the merchant thinks of it: one row per operation. A 3-credit charge that takes 1
 * from the allowance and 2 from purchased credits is one charge with two sources, not two charges.
 *
 * The API may write such an operation as one entry per bucket (same type, same generation or top-up,
 * same instant) or as one entry carrying `sources: [{ bucket, amount }]`; both read the same here.
 */
import type { LedgerBucket, LedgerItem } from './types.ts';

export interface LedgerRow {
  /** The first entry's id: stable across re-reads. */
  id: string;
  at: string;
  type: LedgerItem['type'];
  amount: number;
  /**
   * Per source (bucket, and the grant or top-up within it), in the order the entries give them; amounts
   * carry the sign of the operation. A charge may take from two grants: two parts of bucket `grant`.
   */
  sources: Array<{ bucket: LedgerBucket; id?: string; amount: number }>;
  balanceAfter: number;
  feature?: LedgerItem['feature'];
  generationId?: string;
  topUpId?: string;
  reason?: string;
  /** The API entries this row stands for. */
  entryIds: string[];
}

/** Entries of one operation share this; an entry tied to nothing (an adjustment) is its own operation. */
function operationKey(e: LedgerItem): string {
  const ref = e.generationId ?? e.topUpId ?? e.grantId;
  return ref ? `${e.type}|${ref}|${e.at}` : `entry|${e.id}`;
}

function sourcesOf(e: LedgerItem): LedgerRow['sources'] {
  if (e.sources?.length) return e.sources.map((s) => ({ bucket: s.bucket, ...(s.id ? { id: s.id } : {}), amount: s.amount }));
  return e.bucket ? [{ bucket: e.bucket, amount: e.amount }] : [];
}

/** Groups newest-first entries into rows, newest first; the list may be read page by page and regrouped. */
export function groupLedger(entries: readonly LedgerItem[]): LedgerRow[] {
  const rows: LedgerRow[] = [];
  const byKey = new Map<string, LedgerRow>();
  for (const e of entries) {
    const key = operationKey(e);
    const row = byKey.get(key);
    if (!row) {
      const fresh: LedgerRow = {
        id: e.id,
        at: e.at,
        type: e.type,
        amount: e.amount,
        sources: mergeSources([], sourcesOf(e)),
        balanceAfter: e.balanceAfter,
        feature: e.feature,
        generationId: e.generationId,
        topUpId: e.topUpId,
        reason: e.reason,
        entryIds: [e.id],
      };
      byKey.set(key, fresh);
      rows.push(fresh);
      continue;
    }
    row.amount += e.amount;
    row.sources = mergeSources(row.sources, sourcesOf(e));
    row.entryIds.push(e.id);
    // The balance once the whole operation is written: the lowest after a debit, the highest after a credit.
    row.balanceAfter = row.amount < 0 ? Math.min(row.balanceAfter, e.balanceAfter) : Math.max(row.balanceAfter, e.balanceAfter);
    row.feature ??= e.feature;
    row.reason ??= e.reason;
  }
  return rows;
}

function mergeSources(into: LedgerRow['sources'], more: LedgerRow['sources']): LedgerRow['sources'] {
  const out = into.map((s) => ({ ...s }));
  for (const s of more) {
    const same = out.find((o) => o.bucket === s.bucket && o.id === s.id);
    if (same) same.amount += s.amount;
    else out.push({ ...s });
  }
  return out;
}
