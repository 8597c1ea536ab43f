/** The shape of `GET /v1/credits` (and its admin twin), built from the balance and rate-limit state. */
import { PLANS } from '../config.ts';
import { availableOf, type AccountState } from './ports.ts';
import { rateView, type RateLimitDeps, type RateView } from './rate-limit.ts';
import { ensureAccount, existingAccount, type CreditsDeps } from './credits.ts';

export interface CreditsView {
  accountId: string;
  plan: AccountState['plan'];
  credits: { available: number; allowance: number; allowanceRemaining: number; purchased: number };
  period: { start: string; end: string };
  topUpAvailable: boolean;
  rateLimit: { limit: number; remaining: number; windowResetAt: string | null; cooldownUntil: string | null };
}

export function creditsView(a: AccountState, rate: RateView): CreditsView {
  return {
    accountId: a.accountId,
    plan: a.plan,
    credits: { available: availableOf(a), allowance: a.allowance, allowanceRemaining: a.allowanceRemaining, purchased: a.purchased },
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
  return creditsView(account, rateView(account.rate, deps.rateLimit, deps.clock.now()));
}

/** Admin view of an account: never creates one (404 when absent). */
export async function getAccountCredits(deps: Deps, accountId: string): Promise<CreditsView> {
  const account = await existingAccount(deps, accountId);
  return creditsView(account, rateView(account.rate, deps.rateLimit, deps.clock.now()));
}
