/** The shape of `GET /v1/credits` (and its admin twin), built from the balance and rate-limit state. */
import { PLANS } from '../config.ts';
import type { AccountState, Bucket, GrantCategory } from './ports.ts';
import { burnDownOrder, liveSources } from './sources.ts';
import { rateView, type RateLimitDeps, type RateView } from './rate-limit.ts';
import { ensureAccount, existingAccount, planChangeOf, type CreditsDeps } from './credits.ts';

export interface CreditsView {
  accountId: string;
  plan: AccountState['plan'];
  credits: { available: number; allowance: number; allowanceRemaining: number; purchased: number; grants: number };
  /** Where the next charges come from, in burn-down order (empty sources left out; the allowance always shown). */
  sources: SourceView[];
  period: { start: string; end: string };
  topUpAvailable: boolean;
  rateLimit: { limit: number; remaining: number; windowResetAt: string | null; cooldownUntil: string | null };
}

export interface SourceView {
  bucket: Bucket;
  id?: string;
  remaining: number;
  expiresAt: string | null;
  category?: GrantCategory;
}

/** The credits as of `at`: a source past its expiry is not counted, even before its `expire` entry is written. */
export function balanceView(a: AccountState, at: string): Pick<CreditsView, 'credits' | 'sources'> {
  const live = burnDownOrder(liveSources(a, at)).filter((s) => s.remaining > 0);
  const sum = (bucket: Bucket) => live.filter((s) => s.bucket === bucket).reduce((n, s) => n + s.remaining, 0);
  const purchased = a.purchased + sum('purchased');
  const grants = sum('grant');
  return {
    credits: { available: a.allowanceRemaining + purchased + grants, allowance: a.allowance, allowanceRemaining: a.allowanceRemaining, purchased, grants },
    sources: [
      { bucket: 'allowance', remaining: a.allowanceRemaining, expiresAt: a.periodEnd },
      ...live.map((s): SourceView => ({ bucket: s.bucket, id: s.id, remaining: s.remaining, expiresAt: s.expiresAt, ...(s.category ? { category: s.category } : {}) })),
      ...(a.purchased > 0 ? [{ bucket: 'purchased' as const, remaining: a.purchased, expiresAt: null }] : []),
    ],
  };
}

export function creditsView(a: AccountState, rate: RateView, at: string): CreditsView {
  return {
    accountId: a.accountId,
    plan: a.plan,
    ...balanceView(a, at),
    period: { start: a.periodStart, end: a.periodEnd },
    topUpAvailable: PLANS[a.plan].capabilities.topUp,
    rateLimit: { limit: rate.limit, remaining: rate.remaining, windowResetAt: rate.windowResetAt, cooldownUntil: rate.cooldownUntil },
  };
}

type Deps = CreditsDeps & Pick<RateLimitDeps, 'rateLimit'>;

/** The caller's own credits: provisions and refreshes lazily. */
export async function getCredits(deps: Deps, accountId: string): Promise<CreditsView> {
  // The rate window lives on the balance item: one read gives both.
  const account = await ensureAccount(deps, accountId);
  const now = deps.clock.now();
  return creditsView(account, rateView(account.rate, deps.rateLimit, now), now.toISOString());
}

/** Admin view of an account: never creates one (404 when absent). */
export async function getAccountCredits(deps: Deps, accountId: string): Promise<CreditsView> {
  const account = await existingAccount(deps, accountId);
  const now = deps.clock.now();
  return creditsView(account, rateView(account.rate, deps.rateLimit, now), now.toISOString());
}

export interface PlanPreviewView {
  plan: AccountState['plan'];
  current: CreditsView['credits'];
  after: CreditsView['credits'];
  difference: number;
  period: CreditsView['period'];
}

/**
 * What changing the caller's plan to `plan` now would leave, changing nothing: the same reading a request
 * makes first (refresh and expiry applied, as `GET /v1/credits`), then the change `applyPlan` would write.
 * The current plan changes nothing (a renewal), so its preview is the current credits.
 */
export async function previewPlan(deps: CreditsDeps, accountId: string, plan: AccountState['plan']): Promise<PlanPreviewView> {
  const account = await ensureAccount(deps, accountId);
  const at = deps.clock.now().toISOString();
  const current = balanceView(account, at).credits;
  const after = account.plan === plan ? current : balanceView({ ...account, ...planChangeOf(plan) }, at).credits;
  return { plan, current, after, difference: after.available - current.available, period: { start: account.periodStart, end: account.periodEnd } };
}
