/**
 * A generation attempt's admission: plan, rate limit and charge in one conditional write on the balance
 * item, decided without reading it first. The write's guard states everything the common case assumes
 * (the account exists, its period is current, its plan includes the feature, the rate window is open
 * with room and no cooldown, the allowance covers the cost, this generation holds nothing yet); the
 * write counts the attempt, takes the credits, records the hold and the ledger entry, and returns the
 * new state. Only when the guard fails is the item read (once per lost guard) and the precise case
 * handled: a new account, a period to refresh, abandoned holds to refund, 403, a window to open, the
 * cooldown to start (once), 429, a charge split over allowance and purchased credits, or 402, which is
 * never counted because nothing was written.
 */
import { FEATURES, LIMITS, type FeatureId, type PlanId } from '../config.ts';
import { type ChargeSplit, type CreditsDeps, chargeChange, provisionAccount, refreshAccount, refund, refundAbandoned, settleSources } from './credits.ts';
import { InsufficientCredits, PlanUpgradeRequired } from './errors.ts';
import { newId } from './ids.ts';
import type { AccountState, Guard, RateChange } from './ports.ts';
import { availableAt, expiredSources, noticeDueSources, planCharge, type ChargePlan } from './sources.ts';
import { cooldownError, rateView, withRate, type RateLimitDeps, type RateView } from './rate-limit.ts';
import { outOfCreditsAction } from '../config.ts';
import { telemetryOf } from './telemetry.ts';
import { outboundEvent } from './outbound.ts';
import { afterChange, type RelayDeps } from './outbox.ts';

export interface AttemptRequest {
  accountId: string;
  feature: FeatureId;
  generationId: string;
  productId?: string;
  /** The generation id is derived from an Idempotency-Key: a hold it left behind belongs to a dead attempt. */
  keyed?: boolean;
  /** The 403 message when the plan does not include the feature. */
  upgradeMessage: string;
  /** Filled with the plan once the account is known, so a refusal can be reported with it. */
  seen?: { plan?: PlanId };
  /** Credits to take (a bulk job's items together); the feature's cost by default. */
  cost?: number;
}

export interface ChargedAttempt {
  /** The balance item after the charge (and after refunding any abandoned holds it showed). */
  account: AccountState;
  split: ChargeSplit;
  /** The rate view after counting this attempt. */
  rate: RateView;
}

/** How many times the decision is made again after a guard failed (each failure means another writer progressed). */
const MAX_RACES = 64;

export async function admitAttempt(deps: CreditsDeps & RateLimitDeps & RelayDeps, req: AttemptRequest): Promise<ChargedAttempt> {
  const cfg = deps.rateLimit;
  const plans = FEATURES[req.feature].plans;
  const cost = req.cost ?? FEATURES[req.feature].cost;
  const fields = { type: 'charge' as const, feature: req.feature, generationId: req.generationId, productId: req.productId };
  const hold = (now: Date, plan: Pick<ChargePlan, 'allowance' | 'purchased' | 'sources'>) => ({
    generationId: req.generationId,
    allowance: plan.allowance,
    purchased: plan.purchased,
    ...(plan.sources.length ? { sources: plan.sources } : {}),
    at: now.toISOString(),
    feature: req.feature,
    productId: req.productId,
  });

  // undefined: not read yet (the common case never reads); null: the account does not exist.
  let known: AccountState | null | undefined;
  for (let race = 0; race < MAX_RACES; race++) {
    const now = deps.clock.now();
    const at = now.toISOString();
    if (known === undefined) {
      // Allowance first is the burn-down order's first rule: the blind write takes the allowance only.
      const fromAllowance = { allowance: cost, purchased: 0, sources: [], parts: [{ bucket: 'allowance' as const, amount: cost }], guard: {} };
      const r = await deps.store.apply(req.accountId, {
        ...chargeChange(now, fromAllowance, fields),
        hold: hold(now, fromAllowance),
        rate: { kind: 'count' },
        guard: { periodCurrentAt: at, planIn: plans, rateWindowOpenAt: at, rateCountBelow: cfg.maxAttempts, noCooldownAt: at, allowanceAtLeast: cost, holdAbsent: req.generationId },
      });
      if (r.ok) return settle(deps, req, r.account, now);
      known = r.account;
      continue;
    }
    if (known === null) {
      known = await provisionAccount(deps, req.accountId);
      continue;
    }
    const account = known;
    if (req.seen) req.seen.plan = account.plan;
    const own = account.holds.find((h) => h.generationId === req.generationId);
    if (own && !req.keyed) {
      // A random id is charged by this request only: the hold is our own write, landed although its
      // answer was lost (the SDK retried it). It counted and charged once; that is the charge.
      return settle(deps, req, account, now);
    }
    if (own) {
      // A keyed attempt that died after charging (its generation is not stored: the caller checked).
      known = await refund(deps, req.accountId, { ...own, held: true }, {
        feature: own.feature,
        generationId: req.generationId,
        productId: own.productId,
        reason: 'generation did not finish; retried with the same Idempotency-Key',
      });
      continue;
    }
    if (account.holds.some((h) => h.at < holdCutoff(now))) {
      known = await refundAbandoned(deps, account);
      continue;
    }
    if (account.periodEnd <= at) {
      known = (await refreshAccount(deps, account)).account;
      continue;
    }
    if (expiredSources(account, at).length || noticeDueSources(account, at).length) {
      known = await settleSources(deps, account);
      continue;
    }
    if (!(plans as readonly string[]).includes(account.plan)) throw new PlanUpgradeRequired(req.upgradeMessage);

    const rate = account.rate;
    if (rate?.cooldownUntil && rate.cooldownUntil > at) throw cooldownError(rate.cooldownUntil, now, cfg);
    const open = rate !== null && rate.windowEnd > at;
    if (open && rate.count >= cfg.maxAttempts) {
      // The attempt past the limit starts the cooldown: the guard lets exactly one racer do it.
      const until = new Date(now.getTime() + cfg.cooldownSeconds * 1000).toISOString();
      const started = await deps.store.apply(req.accountId, {
        entries: [],
        rate: { kind: 'cooldown', until },
        events: [outboundEvent(now, 'ratelimit.cooldown_started', req.accountId, { until, maxAttempts: cfg.maxAttempts, windowSeconds: cfg.windowSeconds })],
        guard: { rateWindowEndIs: rate.windowEnd, rateCountAtLeast: cfg.maxAttempts, noCooldownAt: at },
      });
      if (!started.ok) {
        known = started.account;
        continue;
      }
      telemetryOf(deps).cooldownStarted();
      await deps.notifications.add(req.accountId, {
        id: newId('ntf', now),
        type: 'cooldown_started',
        message: `You've made ${cfg.maxAttempts} AI generation attempts within ${Math.round(cfg.windowSeconds / 60)} minutes. Generation is paused until ${until.slice(11, 16)} UTC.`,
        createdAt: at,
      });
      await deps.rate.recordCooldown(req.accountId, { startedAt: at, until, expiresAt: Math.ceil(Date.parse(until) / 1000) });
      await afterChange(deps, started.account);
      throw cooldownError(until, now, cfg);
    }

    const plan = planCharge(account, cost, at);
    if (!plan) {
      // Refused before anything was written: the attempt is not counted.
      throw withRate(new InsufficientCredits(cost, availableAt(account, at), outOfCreditsAction(account.plan)), rateView(rate, cfg, now));
    }
    const rateChange: RateChange = open ? { kind: 'count' } : { kind: 'open', windowStart: at, windowEnd: new Date(now.getTime() + cfg.windowSeconds * 1000).toISOString() };
    const rateGuard: Guard = open
      ? { rateWindowOpenAt: at, rateCountBelow: cfg.maxAttempts, noCooldownAt: at }
      : { rateWindowEndIs: rate?.windowEnd ?? null, noCooldownAt: at };
    const r = await deps.store.apply(req.accountId, {
      ...chargeChange(now, plan, fields),
      hold: hold(now, plan),
      rate: rateChange,
      guard: {
        // The burn-down order holds at the write: allowance first, then grants and purchased credits (see sources.ts).
        ...plan.guard,
        periodCurrentAt: at,
        planIn: plans,
        holdAbsent: req.generationId,
        ...rateGuard,
      },
    });
    if (r.ok) return settle(deps, req, r.account, now);
    known = r.account;
  }
  throw new Error(`generation attempt on ${req.accountId} lost ${MAX_RACES} races`);
}

const holdCutoff = (now: Date): string => new Date(now.getTime() - LIMITS.chargeHoldSeconds * 1000).toISOString();

/**
 * The charge landed. Its hold names what it took (and the epoch the store recorded with it). Holds of
 * dead processes that the returned state shows are refunded now, with writes only; a failure there
 * leaves them to the next reader and never fails this attempt.
 */
async function settle(deps: CreditsDeps & RateLimitDeps, req: AttemptRequest, charged: AccountState, now: Date): Promise<ChargedAttempt> {
  const h = charged.holds.find((x) => x.generationId === req.generationId)!;
  const split: ChargeSplit = { allowance: h.allowance, purchased: h.purchased, ...(h.sources ? { sources: h.sources } : {}), epoch: h.epoch, held: true };
  const rate = rateView(charged.rate, deps.rateLimit, now);
  let account = charged;
  if (charged.holds.some((x) => x.generationId !== req.generationId && x.at < holdCutoff(now))) {
    account = await refundAbandoned(deps, charged).catch(() => charged);
  }
  return { account, split, rate };
}
