/**
 * Merchant usage (`GET /v1/credits/usage`): what the ledger says was charged and refunded over a range,
 * grouped by feature, day or product. It is computed from the ledger itself, so its totals agree with the
 * ledger over the same range by construction.
 */
import { LIMITS, type FeatureId } from '../config.ts';
import { existingAccount, ensureAccount, type CreditsDeps } from './credits.ts';
import { ValidationFailed } from './errors.ts';
import type { LedgerEntry } from './ports.ts';

export type UsageGroup = 'feature' | 'day' | 'product';

export interface UsageCounts {
  /** Generations charged in the range that were not refunded (a failed generation is refunded whole). */
  generations: number;
  creditsCharged: number;
  creditsRefunded: number;
}

export interface UsageView {
  from: string;
  to: string;
  groupBy: UsageGroup;
  /** `key`: a feature id, a UTC day (YYYY-MM-DD) or a product id (null: generations of no product, e.g. blog posts). */
  items: Array<{ key: string | null } & UsageCounts>;
  totals: UsageCounts;
}

export interface UsageQuery {
  from?: string;
  to?: string;
  groupBy: UsageGroup;
}

const PAGE = 100;
const zero = (): UsageCounts => ({ generations: 0, creditsCharged: 0, creditsRefunded: 0 });
const keyOf = (e: LedgerEntry, groupBy: UsageGroup): string | null =>
  groupBy === 'day' ? e.at.slice(0, 10) : groupBy === 'feature' ? (e.feature as FeatureId) : (e.productId ?? null);

/** The range asked, each bound defaulting to the current period's; `from` before `to`, at most 400 days. */
export function usageRange(q: Pick<UsageQuery, 'from' | 'to'>, period: { start: string; end: string }): { from: string; to: string } {
  const from = q.from ?? period.start;
  const to = q.to ?? period.end;
  if (from >= to) throw new ValidationFailed([{ path: q.to === undefined ? 'query.from' : 'query.to', message: `the range is empty: from ${from} is not before to ${to}` }]);
  if (Date.parse(to) - Date.parse(from) > LIMITS.usageMaxDays * 86_400_000) {
    throw new ValidationFailed([{ path: q.from === undefined ? 'query.to' : 'query.from', message: `the range is longer than ${LIMITS.usageMaxDays} days` }]);
  }
  return { from, to };
}

/**
 * Reads the ledger newest first back to `from` (entries are in time order), then counts those in
 * [`from`, `to`). A charge whose refund came after `to` is still not a generation: its refund is found
 * among the newer entries read on the way.
 */
export async function merchantUsage(deps: CreditsDeps, accountId: string, q: UsageQuery, opts: { admin?: boolean } = {}): Promise<UsageView> {
  const account = opts.admin ? await existingAccount(deps, accountId) : await ensureAccount(deps, accountId);
  const { from, to } = usageRange(q, { start: account.periodStart, end: account.periodEnd });
  const inRange: LedgerEntry[] = [];
  const refunded = new Set<string>();
  let cursor: string | undefined;
  read: do {
    const page = await deps.store.ledgerPage(accountId, PAGE, cursor);
    for (const e of page.items) {
      if (e.at < from) break read;
      if (e.type === 'refund' && e.generationId) refunded.add(e.generationId);
      if (e.at < to && (e.type === 'charge' || e.type === 'refund')) inRange.push(e);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  const groups = new Map<string | null, UsageCounts>();
  const totals = zero();
  // A generation counts once: ledgers written before charges listed their sources hold one charge entry
  // per bucket for the same generation.
  const counted = new Map<UsageCounts, Set<string>>();
  const countOnce = (c: UsageCounts, e: LedgerEntry) => {
    if (e.generationId && refunded.has(e.generationId)) return;
    const seen = counted.get(c) ?? new Set<string>();
    counted.set(c, seen);
    if (e.generationId && seen.has(e.generationId)) return;
    if (e.generationId) seen.add(e.generationId);
    c.generations += 1;
  };
  for (const e of inRange) {
    const key = keyOf(e, q.groupBy);
    const g = groups.get(key) ?? zero();
    groups.set(key, g);
    for (const c of [g, totals]) {
      if (e.type === 'charge') {
        c.creditsCharged += -e.amount;
        countOnce(c, e);
      } else c.creditsRefunded += e.amount;
    }
  }
  // Oldest day first for days; otherwise the largest spend first, then by key, so the order is stable.
  const items = [...groups.entries()]
    .map(([key, c]) => ({ key, ...c }))
    .sort((a, b) => (q.groupBy === 'day' ? String(a.key).localeCompare(String(b.key)) : b.creditsCharged - a.creditsCharged || String(a.key).localeCompare(String(b.key))));
  return { from, to, groupBy: q.groupBy, items, totals };
}
