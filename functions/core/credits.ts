/**
 * The credits use cases. Each change is decided here from the account's last known state and applied
 * by the store as one conditional write whose guard re-checks, atomically, the facts the decision
 * relied on; when a guard fails the store returns the fresh state and the decision is made again.
 * Nothing here knows DynamoDB.
 */
import { PLANS, LIMITS, outOfCreditsAction, type FeatureId, type PlanId } from '../config.ts';
import type { Clock } from './clock.ts';
import { Conflict, InsufficientCredits, NotFound } from './errors.ts';
import { newId } from './ids.ts';
import { anchorFor, periodContaining } from './period.ts';
import { availableOf, type AccountState, type Change, type CreditStore, type NewLedgerEntry, type NotificationStore } from './ports.ts';

export interface CreditsDeps {
  store: CreditStore;
  notifications: NotificationStore;
  clock: Clock;
}

/** How many times a decision is re-made after losing a race before giving up (each loss means another writer progressed). */
const MAX_RACES = 64;

export function ledgerEntry(now: Date, fields: Omit<NewLedgerEntry, 'id' | 'at'>): NewLedgerEntry {
  return { id: newId('led', now), at: now.toISOString(), ...fields };
}
const entry = ledgerEntry;

/** Creates the account on the free plan unless it exists (idempotent under concurrent first requests). */
export async function provisionAccount(deps: CreditsDeps, accountId: string): Promise<AccountState> {
  const now = deps.clock.now();
  const anchor = anchorFor(now);
  const period = periodContaining(anchor, now);
  const plan = PLANS.free;
  return deps.store.createAccount(
    {
      accountId,
      plan: plan.id,
      allowance: plan.monthlyAllowance,
      allowanceRemaining: plan.monthlyAllowance,
      purchased: 0,
      periodAnchor: anchor.toISOString(),
      periodStart: period.start.toISOString(),
      periodEnd: period.end.toISOString(),
      createdAt: now.toISOString(),
    },
    entry(now, { type: 'grant', amount: plan.monthlyAllowance, bucket: 'allowance', reason: 'Free plan monthly allowance' }),
  );
}

/**
 * The account as a request should see it: provisioned if new (a lost `account.created` never leaves a
 * merchant without credits) and refreshed if its period has ended.
 */
export async function ensureAccount(deps: CreditsDeps, accountId: string): Promise<AccountState> {
  const account = (await deps.store.getAccount(accountId)) ?? (await provisionAccount(deps, accountId));
  return refreshIfDue(deps, account.holds.length ? await refundAbandoned(deps, account) : account);
}

/** The account if it exists (refreshed if due); admin routes never create accounts. */
export async function existingAccount(deps: CreditsDeps, accountId: string): Promise<AccountState> {
  const account = await deps.store.getAccount(accountId);
  if (!account) throw new NotFound(`Account ${accountId} does not exist.`);
  return refreshIfDue(deps, account);
}

/**
 * Monthly refresh: when the period has ended, the allowance is reset to the plan's amount and the period
 * advanced to the one containing now; one `refresh` entry however many months were missed.
 * Returns the account and whether this call did the refresh.
 */
export async function refreshIfDue(deps: CreditsDeps, account: AccountState): Promise<AccountState> {
  return (await refreshAccount(deps, account)).account;
}

export async function refreshAccount(deps: CreditsDeps, start: AccountState): Promise<{ account: AccountState; refreshed: boolean }> {
  let account = start;
  for (let race = 0; race < MAX_RACES; race++) {
    const now = deps.clock.now();
    if (account.periodEnd > now.toISOString()) return { account, refreshed: false };
    const period = periodContaining(new Date(account.periodAnchor), now);
    const amount = PLANS[account.plan].monthlyAllowance;
    const result = await deps.store.apply(account.accountId, {
      set: { allowance: amount, allowanceRemaining: amount, periodStart: period.start.toISOString(), periodEnd: period.end.toISOString() },
      newAllowanceEpoch: true,
      entries: [entry(now, { type: 'refresh', amount: amount - account.allowanceRemaining, bucket: 'allowance', reason: `Monthly refresh of the ${account.plan} plan` })],
      guard: { periodEndIs: account.periodEnd, allowanceIs: account.allowanceRemaining },
    });
    if (result.ok) {
      await deps.notifications.add(account.accountId, {
        id: newId('ntf', now),
        type: 'credits_refreshed',
        message: `Your ${amount} monthly AI credits were refreshed. Next refresh: ${period.end.toISOString().slice(0, 10)}.`,
        createdAt: now.toISOString(),
      });
      return { account: result.account, refreshed: true };
    }
    if (!result.account) throw new NotFound(`Account ${account.accountId} does not exist.`);
    account = result.account;
  }
  throw new Error(`refresh of ${account.accountId} lost ${MAX_RACES} races`);
}

export interface ChargeMeta {
  feature: FeatureId;
  generationId: string;
  productId?: string;
  /** Hold the charge until the generation ends, so a process that dies in between is refunded later. */
  hold?: boolean;
}

/** What a charge took from each bucket: a refund gives exactly this back. */
export interface ChargeSplit {
  allowance: number;
  purchased: number;
  /** The allowance epoch the allowance part came from: it is given back only while that epoch lasts. */
  epoch: number;
  /** The charge is held (see `ChargeMeta.hold`): its refund is guarded on, and removes, the hold. */
  held?: boolean;
}

/**
 * Charges `cost` credits, allowance first, then purchased, with one conditional write in the common case.
 * `account` is the caller's last read; it is only a hint, the guard re-checks it.
 */
export async function charge(
  deps: CreditsDeps,
  start: AccountState,
  cost: number,
  meta: ChargeMeta,
): Promise<{ account: AccountState; split: ChargeSplit }> {
  let account = start;
  for (let race = 0; race < MAX_RACES; race++) {
    const now = deps.clock.now();
    account = await refreshIfDue(deps, account);
    const available = availableOf(account);
    if (available < cost) {
      throw new InsufficientCredits(cost, available, outOfCreditsAction(account.plan));
    }
    const fromAllowance = Math.min(cost, account.allowanceRemaining);
    const fromPurchased = cost - fromAllowance;
    const base = { type: 'charge' as const, feature: meta.feature, generationId: meta.generationId, productId: meta.productId };
    const entries: NewLedgerEntry[] = [];
    if (fromAllowance > 0) entries.push(entry(now, { ...base, amount: -fromAllowance, bucket: 'allowance' }));
    if (fromPurchased > 0) entries.push(entry(now, { ...base, amount: -fromPurchased, bucket: 'purchased' }));
    // Taking purchased credits is only right while the allowance holds exactly what we saw: that keeps
    // "allowance first" true even when a refresh or refund lands concurrently.
    const change: Change = {
      allowanceDelta: -fromAllowance,
      purchasedDelta: -fromPurchased,
      entries,
      // Held until the generation ends: a process that dies before releasing or refunding it leaves the
      // hold behind, and the next reader of the account refunds it (see `refundAbandoned`).
      hold: meta.hold
        ? { generationId: meta.generationId, allowance: fromAllowance, purchased: fromPurchased, at: now.toISOString(), epoch: account.allowanceEpoch, feature: meta.feature, productId: meta.productId }
        : undefined,
      guard: {
        ...(fromPurchased === 0
          ? { allowanceAtLeast: cost, periodCurrentAt: now.toISOString() }
          : { allowanceIs: fromAllowance, purchasedAtLeast: fromPurchased, periodCurrentAt: now.toISOString() }),
        // The epoch recorded with the charge must be the one the allowance part really came from.
        ...(fromAllowance > 0 ? { allowanceEpochIs: account.allowanceEpoch } : {}),
        // One generation id is charged once at a time, even if two requests race with the same id.
        ...(meta.hold ? { holdAbsent: meta.generationId } : {}),
      },
    };
    const result = await deps.store.apply(account.accountId, change, account);
    if (result.ok) {
      const split = { allowance: fromAllowance, purchased: fromPurchased, epoch: account.allowanceEpoch, ...(meta.hold ? { held: true } : {}) };
      return { account: result.account, split };
    }
    account = result.account ?? (await provisionAccount(deps, account.accountId));
  }
  throw new Error(`charge on ${account.accountId} lost ${MAX_RACES} races`);
}

/**
 * Gives back what a charge took from buckets that still hold it, with `refund` entries:
 * - the purchased part, always;
 * - the allowance part only while the allowance epoch it came from lasts (no plan change or refresh since);
 *   allowance taken from a period that has since been reset no longer exists, so that part is recorded as a
 *   `refund` of 0 with the reason, and never lifts the new allowance above the plan's amount.
 * A held charge is refunded once: the write is guarded on its hold and removes it, so a late refund racing
 * the sweeper gives the credits back one time.
 */
export async function refund(deps: CreditsDeps, accountId: string, split: ChargeSplit, meta: ChargeMeta & { reason: string }): Promise<AccountState> {
  let account = await deps.store.getAccount(accountId);
  for (let race = 0; race < MAX_RACES; race++) {
    if (!account) throw new NotFound(`Account ${accountId} does not exist.`);
    // The hold is gone: this charge was already refunded (or released), nothing more to give back.
    if (split.held && !account.holds.some((h) => h.generationId === meta.generationId)) return account;
    const now = deps.clock.now();
    const sameEpoch = account.allowanceEpoch === split.epoch;
    const allowanceBack = sameEpoch ? Math.min(split.allowance, Math.max(0, account.allowance - account.allowanceRemaining)) : 0;
    const notReturned = split.allowance - allowanceBack;
    const base = { type: 'refund' as const, feature: meta.feature, generationId: meta.generationId, productId: meta.productId, reason: meta.reason };
    const entries: NewLedgerEntry[] = [];
    if (allowanceBack > 0) entries.push(entry(now, { ...base, amount: allowanceBack, bucket: 'allowance' }));
    if (notReturned > 0) {
      entries.push(
        entry(now, {
          ...base,
          amount: 0,
          bucket: 'allowance',
          reason: `${meta.reason}; ${notReturned} allowance credit${notReturned === 1 ? '' : 's'} not returned: the allowance was reset since the charge`,
        }),
      );
    }
    if (split.purchased > 0) entries.push(entry(now, { ...base, amount: split.purchased, bucket: 'purchased' }));
    const result = await deps.store.apply(accountId, {
      allowanceDelta: allowanceBack,
      purchasedDelta: split.purchased,
      entries,
      guard: {
        ...(split.held ? { holdExists: meta.generationId } : {}),
        ...(allowanceBack > 0 ? { allowanceEpochIs: split.epoch, allowanceAtMost: account.allowance - allowanceBack } : {}),
      },
      ...(split.held ? { releaseHold: meta.generationId } : {}),
    });
    if (result.ok) return result.account;
    account = result.account;
  }
  throw new Error(`refund on ${accountId} lost ${MAX_RACES} races`);
}

/** Ends a charge's hold once its generation is stored: the credits stay spent. False if it was already refunded. */
export async function releaseCharge(deps: CreditsDeps, accountId: string, generationId: string): Promise<boolean> {
  if (deps.store.release) return deps.store.release(accountId, generationId);
  const result = await deps.store.apply(accountId, { entries: [], guard: { holdExists: generationId }, releaseHold: generationId });
  return result.ok;
}

/**
 * Refunds the charges of generations whose process died before it could release or refund them: any hold
 * older than `LIMITS.chargeHoldSeconds`. Runs whenever an account is read for a request.
 */
export async function refundAbandoned(deps: CreditsDeps, account: AccountState): Promise<AccountState> {
  const cutoff = new Date(deps.clock.now().getTime() - LIMITS.chargeHoldSeconds * 1000).toISOString();
  let current = account;
  for (const h of account.holds.filter((x) => x.at < cutoff)) {
    current = await refund(deps, account.accountId, { ...h, epoch: h.epoch ?? 0, held: true }, { feature: h.feature, generationId: h.generationId, productId: h.productId, reason: 'generation did not finish' });
  }
  return current;
}

/**
 * Admin adjustment of the purchased bucket. A debit larger than the purchased balance is refused (409)
 * and changes nothing.
 */
export async function adjust(deps: CreditsDeps, accountId: string, amount: number, reason: string): Promise<AccountState> {
  let account = await existingAccount(deps, accountId);
  for (let race = 0; race < MAX_RACES; race++) {
    if (amount < 0 && account.purchased < -amount) {
      throw new Conflict(
        `A debit of ${-amount} exceeds the purchased balance of ${account.purchased}.`,
        'ADJUSTMENT_EXCEEDS_BALANCE',
      );
    }
    const now = deps.clock.now();
    const result = await deps.store.apply(accountId, {
      purchasedDelta: amount,
      entries: [entry(now, { type: 'adjust', amount, bucket: 'purchased', reason })],
      guard: amount < 0 ? { purchasedAtLeast: -amount } : {},
    });
    if (result.ok) return result.account;
    if (!result.account) throw new NotFound(`Account ${accountId} does not exist.`);
    account = result.account;
  }
  throw new Error(`adjustment on ${accountId} lost ${MAX_RACES} races`);
}

/**
 * Plan change from a subscription event: the allowance is *reset* to the new plan's amount (up or down);
 * purchased credits are untouched and the period does not move. An event older than (or equal to) the
 * last applied one changes nothing, which also makes a duplicate delivery a no-op; so does an event naming
 * the plan the account is already on (`applied: false`), which only records its time.
 */
export async function applyPlan(
  deps: CreditsDeps,
  accountId: string,
  plan: PlanId,
  eventAt: string,
): Promise<{ applied: boolean; account: AccountState }> {
  let account = await ensureAccount(deps, accountId);
  for (let race = 0; race < MAX_RACES; race++) {
    if (account.lastPlanEventAt && account.lastPlanEventAt >= eventAt) return { applied: false, account };
    if (account.plan === plan) {
      // Not a plan change (a renewal, a card update): nothing is reset. The event's time is still recorded,
      // so an older event that arrives later stays ignored; the guard keeps that true under a concurrent change.
      const kept = await deps.store.apply(accountId, { set: { lastPlanEventAt: eventAt }, entries: [], guard: { planIs: plan, planEventBefore: eventAt } });
      if (kept.ok) return { applied: false, account: kept.account };
      if (!kept.account) throw new NotFound(`Account ${accountId} does not exist.`);
      account = await refreshIfDue(deps, kept.account);
      continue;
    }
    const now = deps.clock.now();
    const amount = PLANS[plan].monthlyAllowance;
    const result = await deps.store.apply(accountId, {
      set: { plan, allowance: amount, allowanceRemaining: amount, lastPlanEventAt: eventAt },
      newAllowanceEpoch: true,
      entries: [entry(now, { type: 'reset', amount: amount - account.allowanceRemaining, bucket: 'allowance', reason: `Plan changed from ${account.plan} to ${plan}` })],
      guard: { allowanceIs: account.allowanceRemaining, planEventBefore: eventAt, periodCurrentAt: now.toISOString() },
    });
    if (result.ok) {
      await deps.notifications.add(accountId, {
        id: newId('ntf', now),
        type: 'credits_reset',
        message: `Your plan is now ${plan}: your monthly AI credits were reset to ${amount}.`,
        createdAt: now.toISOString(),
      });
      return { applied: true, account: result.account };
    }
    if (!result.account) throw new NotFound(`Account ${accountId} does not exist.`);
    account = await refreshIfDue(deps, result.account);
  }
  throw new Error(`plan change on ${accountId} lost ${MAX_RACES} races`);
}

/**
 * Credits purchased credits once per operation id (a paid top-up), however often it is called.
 * Returns whether this call credited them.
 */
export async function creditPurchased(
  deps: CreditsDeps,
  accountId: string,
  opId: string,
  credits: number,
  fields: Pick<NewLedgerEntry, 'topUpId' | 'reason'>,
): Promise<{ credited: boolean; account: AccountState }> {
  await ensureAccount(deps, accountId);
  const now = deps.clock.now();
  const result = await deps.store.apply(accountId, {
    purchasedDelta: credits,
    entries: [entry(now, { type: 'top_up', amount: credits, bucket: 'purchased', ...fields })],
    guard: { opNotApplied: opId },
    opId,
  });
  if (result.ok) return { credited: true, account: result.account };
  if (!result.account) throw new NotFound(`Account ${accountId} does not exist.`);
  return { credited: false, account: result.account };
}

/**
 * Writes one low_balance notification the first time in a period that available credits fall below
 * 20% of the allowance. The guard makes concurrent chargers agree on a single writer.
 */
export async function noticeLowBalance(deps: CreditsDeps, account: AccountState): Promise<void> {
  const threshold = account.allowance * LIMITS.lowBalanceRatio;
  if (availableOf(account) >= threshold || account.lowBalanceNotifiedFor === account.periodStart) return;
  const now = deps.clock.now();
  const result = await deps.store.apply(account.accountId, {
    set: { lowBalanceNotifiedFor: account.periodStart },
    entries: [],
    guard: { lowBalanceNotNotifiedFor: account.periodStart },
  });
  if (!result.ok) return;
  await deps.notifications.add(account.accountId, {
    id: newId('ntf', now),
    type: 'low_balance',
    message: `You have ${availableOf(account)} AI credits left this period. ${outOfCreditsAction(account.plan) === 'top_up' ? 'Top up to keep generating.' : 'Upgrade for more monthly credits.'}`,
    createdAt: now.toISOString(),
  });
}
