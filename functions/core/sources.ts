/**
 * Where a charge takes its credits from, and what a refund may give back: the burn-down order over the
 * plan allowance, grants and purchased credits. Pure functions of the account state and an instant.
 *
 * Order: the allowance first (it ends with the period), then every source with an expiry, soonest
 * first (promotional before compensation before purchased at the same instant), then those without one
 * (grants before purchased credits; among grants promotional before compensation, then the oldest first).
 * A source whose `expiresAt` is at or
 * before the instant is never taken from, whether or not its `expire` entry has been written yet.
 */
import type { AccountState, CreditSource, Guard, SourcePart } from './ports.ts';

const RANK = { promotional: 0, compensation: 1, purchased: 2 } as const;
const rankOf = (s: CreditSource): number => (s.bucket === 'purchased' ? RANK.purchased : RANK[s.category ?? 'promotional']);

/** Sources still live at `at` (ISO): unexpired, whatever they hold. */
export function liveSources(a: Pick<AccountState, 'sources'>, at: string): CreditSource[] {
  return a.sources.filter((s) => s.expiresAt === null || s.expiresAt > at);
}

/** Live sources in burn-down order (the non-expiring purchased pool, `purchased`, comes after them all). */
export function burnDownOrder(sources: readonly CreditSource[]): CreditSource[] {
  return [...sources].sort((x, y) => {
    if (x.expiresAt !== y.expiresAt) {
      if (x.expiresAt === null) return 1;
      if (y.expiresAt === null) return -1;
      return x.expiresAt < y.expiresAt ? -1 : 1;
    }
    return rankOf(x) - rankOf(y) || (x.createdAt < y.createdAt ? -1 : x.createdAt > y.createdAt ? 1 : x.id < y.id ? -1 : 1);
  });
}

/** Credits a charge may take at `at`: the allowance, the pool and every live source. */
export function availableAt(a: Pick<AccountState, 'allowanceRemaining' | 'purchased' | 'sources'>, at: string): number {
  return a.allowanceRemaining + a.purchased + liveSources(a, at).reduce((n, s) => n + s.remaining, 0);
}

export interface ChargePlan {
  allowance: number;
  purchased: number;
  /** Taken from grants and expiring top-ups, in burn-down order. */
  sources: Array<{ id: string; amount: number }>;
  /** What the ledger entry lists, in burn-down order. */
  parts: SourcePart[];
  /** What must still hold at the write for this plan to be the burn-down order's. */
  guard: Guard;
}

/**
 * What a charge of `cost` takes from each source at `at`, or null if the account cannot pay it.
 * The guard makes the write land only on the state the plan was made from, as far as the order depends
 * on it: the allowance covers it (or is exactly what was drained), every source drained is exactly what
 * was seen, the last one taken from holds at least its part, the pool likewise, and no source was added
 * or removed meanwhile.
 */
export function planCharge(a: AccountState, cost: number, at: string): ChargePlan | null {
  if (availableAt(a, at) < cost) return null;
  let need = cost;
  const allowance = Math.min(need, a.allowanceRemaining);
  need -= allowance;
  const parts: SourcePart[] = allowance > 0 ? [{ bucket: 'allowance', amount: allowance }] : [];
  if (need === 0) return { allowance, purchased: 0, sources: [], parts, guard: { allowanceAtLeast: cost } };

  const sources: ChargePlan['sources'] = [];
  const are: Record<string, number> = {};
  const atLeast: Record<string, number> = {};
  const ordered = burnDownOrder(liveSources(a, at));
  for (const s of ordered) {
    if (need === 0) break;
    const take = Math.min(need, s.remaining);
    // An empty source before the last one taken from must still be empty, a drained one exactly what was seen.
    if (take < s.remaining) atLeast[s.id] = take;
    else are[s.id] = s.remaining;
    if (take === 0) continue;
    need -= take;
    sources.push({ id: s.id, amount: take });
    parts.push({ bucket: s.bucket, id: s.id, amount: take });
  }
  const purchased = need;
  if (purchased > 0) parts.push({ bucket: 'purchased', amount: purchased });
  const guard: Guard = {
    allowanceIs: allowance,
    sourcesVersionIs: a.sourcesVersion,
    ...(Object.keys(are).length ? { sourcesAre: are } : {}),
    ...(Object.keys(atLeast).length ? { sourcesAtLeast: atLeast } : {}),
    ...(purchased > 0 ? { purchasedAtLeast: purchased } : {}),
  };
  return { allowance, purchased, sources, parts, guard };
}

/**
 * The bucket of a source a charge took from, also once it is gone (expired and removed): a hold names
 * its sources by id only, and the ids say it. Expiring top-ups are sources under their top-up's id
 * (`tu_…`, `creditPurchased`); every other source is a grant.
 */
export const bucketOfSource = (a: Pick<AccountState, 'sources'>, id: string): CreditSource['bucket'] =>
  a.sources.find((s) => s.id === id)?.bucket ?? (id.startsWith('tu_') ? 'purchased' : 'grant');

/** The part of a held charge's sources a refund at `at` can give back: to sources that still exist and have not expired. */
export function refundableSources(a: Pick<AccountState, 'sources'>, taken: ReadonlyArray<{ id: string; amount: number }>, at: string) {
  const live = new Map(liveSources(a, at).map((s) => [s.id, s]));
  return taken.map((t) => {
    const s = live.get(t.id);
    // Never above what the source was created with (a refund gives back, it never mints).
    const back = s ? Math.min(t.amount, Math.max(0, s.amount - s.remaining)) : 0;
    return { ...t, back, source: s, bucket: bucketOfSource(a, t.id) };
  });
}

/** Sources due to expire at `at`: their `expiresAt` has passed. */
export const expiredSources = (a: Pick<AccountState, 'sources'>, at: string): CreditSource[] =>
  a.sources.filter((s) => s.expiresAt !== null && s.expiresAt <= at);

/** How long before its expiry a source holding credits is announced (`credits_expiring`). */
export const EXPIRY_NOTICE_DAYS = 7;
const noticeAt = (s: CreditSource): string => new Date(Date.parse(s.expiresAt!) - EXPIRY_NOTICE_DAYS * 86400_000).toISOString();

/** Sources whose expiry notice is due at `at` (7 days ahead) and not yet handled. */
export const noticeDueSources = (a: Pick<AccountState, 'sources' | 'expiryNoticed'>, at: string): CreditSource[] =>
  a.sources.filter((s) => s.expiresAt !== null && s.expiresAt > at && !a.expiryNoticed.includes(s.id) && noticeAt(s) <= at);

/** The next instant the scheduled job must visit the account for its sources (a notice or an expiry), or null. */
export function nextSourceDue(sources: readonly CreditSource[], noticed: readonly string[]): string | null {
  let next: string | null = null;
  for (const s of sources) {
    if (s.expiresAt === null) continue;
    const due = noticed.includes(s.id) ? s.expiresAt : noticeAt(s);
    if (next === null || due < next) next = due;
  }
  return next;
}

/**
 * Grants that count against the per-account cap at `at`: unexpired, and holding credits or named by a
 * hold. A grant a running generation emptied is not used up yet: that generation's refund gives it its
 * credits back, so leaving its place free would let the cap be passed once the refund lands.
 */
export function grantsInUse(a: Pick<AccountState, 'sources' | 'holds'>, at: string): number {
  const held = new Set(a.holds.flatMap((h) => (h.sources ?? []).map((x) => x.id)));
  return liveSources(a, at).filter((s) => s.bucket === 'grant' && (s.remaining > 0 || held.has(s.id))).length;
}
