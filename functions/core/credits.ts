/**
 * The credits use cases. Each change is decided here from the account's last known state and applied
 * by the store as one conditional write whose guard re-checks, atomically, the facts the decision
 * relied on; when a guard fails the store returns the fresh state and the decision is made again.
 * Nothing here knows DynamoDB.
 */
import { PLANS, LIMITS, outOfCreditsAction, type FeatureId, type PlanId } from '../config.ts';
import type { Clock } from './clock.ts';
import { Conflict, InsufficientCredits, NotFound, ValidationFailed } from './errors.ts';
import { derivedId, newId } from './ids.ts';
import { anchorFor, periodContaining } from './period.ts';
import { recoveredNotification } from './alerts.ts';
import { outboundEvent, type OutboundEvent } from './outbound.ts';
import { availableOf, type AccountState, type Change, type CreditSource, type CreditStore, type GrantCategory, type NewLedgerEntry, type NotificationStore, type SourcePart } from './ports.ts';
import { EXPIRY_NOTICE_DAYS, expiredSources, grantsInUse, nextSourceDue, noticeDueSources, planCharge, refundableSources, type ChargePlan } from './sources.ts';

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

/** The buckets' deltas and the one ledger entry of a planned charge (its parts listed in burn-down order). */
export function chargeChange(now: Date, plan: ChargePlan, fields: Pick<NewLedgerEntry, 'type' | 'feature' | 'generationId' | 'productId'>): Pick<Change, 'allowanceDelta' | 'purchasedDelta' | 'sourceDeltas' | 'entries'> {
  const cost = plan.parts.reduce((n, x) => n + x.amount, 0);
  return {
    allowanceDelta: -plan.allowance,
    purchasedDelta: -plan.purchased,
    ...(plan.sources.length ? { sourceDeltas: Object.fromEntries(plan.sources.map((x) => [x.id, -x.amount])) } : {}),
    entries: [entry(now, { ...fields, amount: -cost, bucket: plan.parts[0].bucket, sources: plan.parts.map((x) => ({ ...x, amount: -x.amount })) })],
  };
}

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
  return settleSources(deps, await refreshIfDue(deps, account.holds.length ? await refundAbandoned(deps, account) : account));
}

/** The account if it exists (refreshed and its sources settled if due); admin routes never create accounts. */
export async function existingAccount(deps: CreditsDeps, accountId: string): Promise<AccountState> {
  const account = await deps.store.getAccount(accountId);
  if (!account) throw new NotFound(`Account ${accountId} does not exist.`);
  return settleSources(deps, await refreshIfDue(deps, account));
}

/** When a source's expiry notice fell due (never before the source existed): the same for every writer of it. */
const noticeInstant = (s: CreditSource): Date => new Date(Math.max(Date.parse(s.expiresAt!) - EXPIRY_NOTICE_DAYS * 86400_000, Date.parse(s.createdAt)));
const sourceRef = (s: CreditSource): Pick<NewLedgerEntry, 'grantId' | 'topUpId'> => (s.bucket === 'grant' ? { grantId: s.id } : { topUpId: s.id });
const describe = (s: CreditSource): string => (s.bucket === 'grant' ? `${s.category ?? 'promotional'} grant` : 'top-up');

/**
 * Applies what the sources' clock says is due, before a request uses the account (and from the scheduled
 * job): each source past its `expiresAt` leaves the balance with one `expire` entry for what it still held,
 * and each source 7 days from its expiry that still holds credits gets one `credits_expiring` notice.
 * Both writes are guarded on the sources' version and the expired amounts, so a concurrent request or
 * job run applies each once.
 */
export async function settleSources(deps: CreditsDeps, start: AccountState): Promise<AccountState> {
  let account = start;
  for (let race = 0; race < MAX_RACES; race++) {
    const now = deps.clock.now();
    const at = now.toISOString();
    const expired = expiredSources(account, at);
    const notice = expired.length ? [] : noticeDueSources(account, at);
    if (!expired.length && !notice.length) return account;
    const change: Change = expired.length
      ? {
          sourceDeltas: Object.fromEntries(expired.map((x) => [x.id, -x.remaining])),
          removeSources: expired.map((x) => x.id),
          entries: expired
            .filter((x) => x.remaining > 0)
            .map((x) => entry(now, { type: 'expire', amount: -x.remaining, bucket: x.bucket, ...sourceRef(x), reason: `${x.remaining} credits of a ${describe(x)} expired` })),
          sourceDueAt: nextSourceDue(account.sources.filter((x) => !expired.includes(x)), account.expiryNoticed),
          guard: { sourcesVersionIs: account.sourcesVersion, sourcesAre: Object.fromEntries(expired.map((x) => [x.id, x.remaining])) },
          events: expired
            .filter((x) => x.remaining > 0)
            .map((x) => outboundEvent(now, 'credits.expired', account.accountId, { bucket: x.bucket, ...sourceRef(x), amount: x.remaining, expiresAt: x.expiresAt })),
        }
      : {
          noticeExpiry: notice.map((x) => x.id),
          entries: [],
          sourceDueAt: nextSourceDue(account.sources, [...account.expiryNoticed, ...notice.map((x) => x.id)]),
          guard: { sourcesVersionIs: account.sourcesVersion },
        };
    // The notice is written before the write that marks it (an empty source is marked without one), under
    // an id derived from the source: a process that dies between the two leaves the source unmarked, and
    // whoever settles it next writes the same notification again, which the store keeps once.
    for (const x of notice.filter((n) => n.remaining > 0)) {
      await deps.notifications.add(account.accountId, {
        id: derivedId('ntf', noticeInstant(x), `credits_expiring:${x.id}`),
        type: 'credits_expiring',
        message: `${x.remaining} AI credits from a ${describe(x)} expire on ${x.expiresAt!.slice(0, 10)}. They are used before your other credits.`,
        createdAt: at,
      });
    }
    const result = await deps.store.apply(account.accountId, change);
    if (!result.ok) {
      if (!result.account) throw new NotFound(`Account ${account.accountId} does not exist.`);
      account = result.account;
      continue;
    }
    account = result.account;
  }
  throw new Error(`settling the sources of ${account.accountId} lost ${MAX_RACES} races`);
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
    const alerts = newAlertPeriod(account, now, amount, outboundEvent(now, 'credits.refreshed', account.accountId, { plan: account.plan, allowance: amount, periodStart: period.start.toISOString(), periodEnd: period.end.toISOString() }));
    const result = await deps.store.apply(account.accountId, {
      set: { allowance: amount, allowanceRemaining: amount, periodStart: period.start.toISOString(), periodEnd: period.end.toISOString() },
      newAllowanceEpoch: true,
      entries: [entry(now, { type: 'refresh', amount: amount - account.allowanceRemaining, bucket: 'allowance', reason: `Monthly refresh of the ${account.plan} plan` })],
      ...alerts,
      guard: { periodEndIs: account.periodEnd, allowanceIs: account.allowanceRemaining, ...alerts.guard },
    });
    if (result.ok) {
      await deps.notifications.add(account.accountId, {
        id: newId('ntf', now),
        type: 'credits_refreshed',
        message: `Your ${amount} monthly AI credits were refreshed. Next refresh: ${period.end.toISOString().slice(0, 10)}.`,
        createdAt: now.toISOString(),
      });
      await noteRecovery(deps, account.accountId, alerts.events);
      return { account: result.account, refreshed: true };
    }
    if (!result.account) throw new NotFound(`Account ${account.accountId} does not exist.`);
    account = result.account;
  }
  throw new Error(`refresh of ${account.accountId} lost ${MAX_RACES} races`);
}

/**
 * A reset or refresh starts a new alert period (`core/alerts.ts`): its write carries the period's empty
 * alert state, its own event and, when a dip is still open, that dip's `credits.recovered` (the allowance
 * is whole again, above every threshold). Guarded on the alert state read, so an alert that landed
 * meanwhile is decided with.
 */
function newAlertPeriod(account: AccountState, now: Date, allowance: number, event: OutboundEvent): Pick<Change, 'alerts' | 'events'> & { guard: Pick<Change['guard'], 'alertsAre'> } {
  const open = account.alerts?.epoch === account.allowanceEpoch && account.alerts.dip > 0 ? account.alerts : undefined;
  const available = allowance + account.purchased + account.sourced;
  return {
    alerts: { epoch: account.allowanceEpoch + 1, notified: [], depleted: false, band: 0, dip: 0, recoveries: 0 },
    events: [event, ...(open ? [outboundEvent(now, 'credits.recovered', account.accountId, { threshold: open.dip, available, allowance, plan: account.plan })] : [])],
    guard: { alertsAre: account.alerts ?? null },
  };
}

/** The notification of a dip a reset or refresh ended (its id derives from the event: the relay writing it again keeps one). */
async function noteRecovery(deps: CreditsDeps, accountId: string, events: readonly OutboundEvent[] = []): Promise<void> {
  for (const e of events) if (e.type === 'credits.recovered') await deps.notifications.add(accountId, recoveredNotification(e));
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
  /** What it took from grants and expiring top-ups, by source id. */
  sources?: Array<{ id: string; amount: number }>;
  /** The allowance epoch the allowance part came from: it is given back only while that epoch lasts. */
  epoch: number;
  /** The charge is held (see `ChargeMeta.hold`): its refund is guarded on, and removes, the hold. */
  held?: boolean;
  /**
   * A part of a bulk job's charge: the refund moves the job hold's refunded count from `from` to `to`
   * (guarded on `from`, so it lands once) and `end` removes the hold with it.
   */
  job?: { jobId: string; from: number; to: number; end?: boolean };
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
    account = await settleSources(deps, account);
    const plan = planCharge(account, cost, now.toISOString());
    if (!plan) throw new InsufficientCredits(cost, availableOf(account), outOfCreditsAction(account.plan));
    const change: Change = {
      ...chargeChange(now, plan, { type: 'charge', feature: meta.feature, generationId: meta.generationId, productId: meta.productId }),
      // Held until the generation ends: a process that dies before releasing or refunding it leaves the
      // hold behind, and the next reader of the account refunds it (see `refundAbandoned`).
      hold: meta.hold
        ? { generationId: meta.generationId, allowance: plan.allowance, purchased: plan.purchased, ...(plan.sources.length ? { sources: plan.sources } : {}), at: now.toISOString(), epoch: account.allowanceEpoch, feature: meta.feature, productId: meta.productId }
        : undefined,
      guard: {
        // The burn-down order's own guard: the write lands only on the state the plan was made from.
        ...plan.guard,
        periodCurrentAt: now.toISOString(),
        // The epoch recorded with the charge must be the one the allowance part really came from.
        ...(plan.allowance > 0 ? { allowanceEpochIs: account.allowanceEpoch } : {}),
        // One generation id is charged once at a time, even if two requests race with the same id.
        ...(meta.hold ? { holdAbsent: meta.generationId } : {}),
      },
    };
    const result = await deps.store.apply(account.accountId, change, account);
    if (result.ok) {
      const split = { allowance: plan.allowance, purchased: plan.purchased, ...(plan.sources.length ? { sources: plan.sources } : {}), epoch: account.allowanceEpoch, ...(meta.hold ? { held: true } : {}) };
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
export async function refund(deps: CreditsDeps, accountId: string, split: ChargeSplit, meta: ChargeMeta & { reason: string; events?: OutboundEvent[] }): Promise<AccountState> {
  let account = await deps.store.getAccount(accountId);
  for (let race = 0; race < MAX_RACES; race++) {
    if (!account) throw new NotFound(`Account ${accountId} does not exist.`);
    // The hold is gone: this charge was already refunded (or released), nothing more to give back.
    if (split.held && !account.holds.some((h) => h.generationId === meta.generationId)) return account;
    // A job's part was refunded by another writer (or the job ended): the caller decides again from this state.
    if (split.job && account.jobHolds?.find((j) => j.jobId === split.job!.jobId)?.refunded !== split.job.from) return account;
    const now = deps.clock.now();
    const sameEpoch = account.allowanceEpoch === split.epoch;
    const allowanceBack = sameEpoch ? Math.min(split.allowance, Math.max(0, account.allowance - account.allowanceRemaining)) : 0;
    const notes: string[] = [];
    const notReturned = split.allowance - allowanceBack;
    if (notReturned > 0) notes.push(`${notReturned} allowance credit${notReturned === 1 ? '' : 's'} not returned: the allowance was reset since the charge`);
    // Grant and expiring top-up parts go back to their sources while those have not expired.
    const sourcesBack = refundableSources(account, split.sources ?? [], now.toISOString());
    const lost = sourcesBack.reduce((n, x) => n + x.amount - x.back, 0);
    if (lost > 0) notes.push(`${lost} credit${lost === 1 ? '' : 's'} not returned: the grant or top-up ${lost === 1 ? 'it' : 'they'} came from expired since the charge`);
    // One entry per refund, listing what each source got back (0 for a part that no longer exists).
    const parts: SourcePart[] = [
      ...(split.allowance > 0 ? [{ bucket: 'allowance' as const, amount: allowanceBack }] : []),
      ...sourcesBack.map((x) => ({ bucket: x.bucket, id: x.id, amount: x.back })),
      ...(split.purchased > 0 ? [{ bucket: 'purchased' as const, amount: split.purchased }] : []),
    ];
    const amount = parts.reduce((n, x) => n + x.amount, 0);
    const entries: NewLedgerEntry[] = parts.length
      ? [
          entry(now, {
            type: 'refund',
            feature: meta.feature,
            generationId: meta.generationId,
            productId: meta.productId,
            amount,
            bucket: (parts.find((x) => x.amount > 0) ?? parts[0]).bucket,
            reason: [meta.reason, ...notes].join('; '),
            sources: parts,
          }),
        ]
      : [];
    const returned = sourcesBack.filter((x) => x.back > 0);
    const result = await deps.store.apply(accountId, {
      allowanceDelta: allowanceBack,
      purchasedDelta: split.purchased,
      // Giving a source credits back bumps the sources' version: a grant that would drop it as empty sees that.
      ...(returned.length ? { sourceDeltas: Object.fromEntries(returned.map((x) => [x.id, x.back])), touchSources: true } : {}),
      entries,
      guard: {
        ...(split.held ? { holdExists: meta.generationId } : {}),
        ...(split.job ? { jobRefundedIs: { jobId: split.job.jobId, count: split.job.from } } : {}),
        ...(allowanceBack > 0 ? { allowanceEpochIs: split.epoch, allowanceAtMost: account.allowance - allowanceBack } : {}),
        // Never above what a source was created with; a source that expired meanwhile is gone and fails this.
        ...(returned.length ? { sourcesAtMost: Object.fromEntries(returned.map((x) => [x.id, x.source!.amount - x.back])) } : {}),
      },
      ...(split.held ? { releaseHold: meta.generationId } : {}),
      ...(split.job ? { jobRefunded: { jobId: split.job.jobId, to: split.job.to, end: split.job.end } } : {}),
      ...(meta.events?.length ? { events: meta.events } : {}),
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
/**
 * What a change to `plan` sets on an account on another plan (reset semantics): the allowance becomes the
 * plan's and is whole again; purchased credits, grants and the period stay. `applyPlan` writes it and the
 * plan preview shows it, so the preview is the change by construction.
 */
export function planChangeOf(plan: PlanId): Pick<AccountState, 'plan' | 'allowance' | 'allowanceRemaining'> {
  const amount = PLANS[plan].monthlyAllowance;
  return { plan, allowance: amount, allowanceRemaining: amount };
}

export async function applyPlan(
  deps: CreditsDeps,
  accountId: string,
  plan: PlanId,
  eventAt: string,
  /** More to change in the plan change's write, decided on each state tried (auto top-up off on a downgrade). */
  also?: (account: AccountState) => Partial<Change> | undefined,
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
    const change = planChangeOf(plan);
    const amount = change.allowance;
    const alerts = newAlertPeriod({ ...account, plan }, now, amount, outboundEvent(now, 'credits.reset', accountId, { plan, previousPlan: account.plan, allowance: amount }));
    const result = await deps.store.apply(accountId, {
      ...also?.(account),
      set: { ...change, lastPlanEventAt: eventAt },
      newAllowanceEpoch: true,
      entries: [entry(now, { type: 'reset', amount: amount - account.allowanceRemaining, bucket: 'allowance', reason: `Plan changed from ${account.plan} to ${plan}` })],
      ...alerts,
      guard: { allowanceIs: account.allowanceRemaining, planEventBefore: eventAt, periodCurrentAt: now.toISOString(), ...alerts.guard },
    });
    if (result.ok) {
      await deps.notifications.add(accountId, {
        id: newId('ntf', now),
        type: 'credits_reset',
        message: `Your plan is now ${plan}: your monthly AI credits were reset to ${amount}.`,
        createdAt: now.toISOString(),
      });
      await noteRecovery(deps, accountId, alerts.events);
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
  /** A pack with `validDays`: the credits become a source of their own that expires this many days after `creditedAt`. */
  validDays?: number,
  /** More to change in the same write, decided on each state tried (an auto top-up's marker). */
  also?: (account: AccountState) => Partial<Change> | undefined,
): Promise<{ credited: boolean; account: AccountState; creditedAt?: string }> {
  let account = await ensureAccount(deps, accountId);
  for (let race = 0; race < MAX_RACES; race++) {
    const extra = also?.(account);
    const now = deps.clock.now();
    const source: CreditSource | undefined =
      validDays && fields.topUpId
        ? { id: fields.topUpId, bucket: 'purchased', amount: credits, remaining: credits, expiresAt: new Date(now.getTime() + validDays * 86400_000).toISOString(), createdAt: now.toISOString() }
        : undefined;
    const result = await deps.store.apply(accountId, {
      ...extra,
      ...(source ? { addSource: source, sourceDueAt: nextSourceDue([...account.sources, source], account.expiryNoticed) } : { purchasedDelta: credits }),
      entries: [entry(now, { type: 'top_up', amount: credits, bucket: 'purchased', ...fields })],
      ...(fields.topUpId ? { events: [outboundEvent(now, 'topup.completed', accountId, { topUpId: fields.topUpId, credits, ...(source ? { expiresAt: source.expiresAt } : {}) })] } : {}),
      // A new source changes the index key, computed from the sources seen: they must still be the ones.
      guard: { opNotApplied: opId, ...(source ? { sourcesVersionIs: account.sourcesVersion } : {}) },
      opId,
    });
    if (result.ok) return { credited: true, account: result.account, creditedAt: now.toISOString() };
    if (!result.account) throw new NotFound(`Account ${accountId} does not exist.`);
    // What else this write changes depends on the state: decided anew when it differs on the fresh one.
    if (also && JSON.stringify(also(result.account)) !== JSON.stringify(extra)) {
      account = result.account;
      continue;
    }
    if (result.account.sourcesVersion === account.sourcesVersion || !source) return { credited: false, account: result.account };
    account = result.account;
  }
  throw new Error(`top-up credit on ${accountId} lost ${MAX_RACES} races`);
}

export interface GrantRequest {
  amount: number;
  reason: string;
  category: GrantCategory;
  expiresAt?: string;
}

/**
 * An admin grant: a source of its own on the balance item, with a `grant` entry naming it. At most
 * `LIMITS.maxActiveGrants` grants that are unexpired and hold credits or are named by a hold (409
 * LIMIT_REACHED beyond; see `grantsInUse`). The
 * write is guarded on the sources' version, so concurrent grants cannot pass the cap together. Empty
 * grants no hold refers to are dropped by the same write (it bounds the balance item): only a refund
 * could give one credits again, and a refund names its source in a hold. A refund to a source bumps the
 * version, so a drop decided before it fails its guard and is decided again. A grant is made once per
 * `grantId` (recorded as an applied operation): a keyed request passes an id derived from its key, so a
 * retry after a process died between the grant and its answer answers that grant instead of a second one.
 */
export async function grantCredits(deps: CreditsDeps, accountId: string, req: GrantRequest, grantId = newId('grt', deps.clock.now())): Promise<{ grant: CreditSource; account: AccountState }> {
  let account = await existingAccount(deps, accountId);
  // Recorded with the grant: a retry under the same id (a keyed request whose answer was lost) grants nothing.
  const opId = `grant:${grantId}`;
  for (let race = 0; race < MAX_RACES; race++) {
    // The grant landed before (its answer was lost): it is the answer, before any check a new grant faces.
    const landed = account.sources.find((x) => x.id === grantId);
    if (landed) return { grant: landed, account };
    const now = deps.clock.now();
    const at = now.toISOString();
    if (req.expiresAt !== undefined && req.expiresAt <= at) throw new ValidationFailed([{ path: 'expiresAt', message: 'must be in the future' }]);
    if (grantsInUse(account, at) >= LIMITS.maxActiveGrants) {
      throw new Conflict(`The account already has ${LIMITS.maxActiveGrants} grants in use (unexpired, holding credits or charged by a generation still running).`, 'LIMIT_REACHED', { limit: LIMITS.maxActiveGrants });
    }
    const grant: CreditSource = { id: grantId, bucket: 'grant', category: req.category, amount: req.amount, remaining: req.amount, expiresAt: req.expiresAt ?? null, createdAt: at };
    const referenced = new Set(account.holds.flatMap((h) => (h.sources ?? []).map((x) => x.id)));
    const dropped = account.sources.filter((x) => x.remaining === 0 && !referenced.has(x.id) && x.bucket === 'grant');
    const kept = account.sources.filter((x) => !dropped.includes(x));
    const result = await deps.store.apply(accountId, {
      addSource: grant,
      ...(dropped.length ? { removeSources: dropped.map((x) => x.id) } : {}),
      sourceDueAt: nextSourceDue([...kept, grant], account.expiryNoticed),
      entries: [entry(now, { type: 'grant', amount: req.amount, bucket: 'grant', grantId, reason: req.reason })],
      guard: {
        opNotApplied: opId,
        sourcesVersionIs: account.sourcesVersion,
        // Still empty, and (the version) given nothing back meanwhile: so no hold taken since can name them.
        ...(dropped.length ? { sourcesAre: Object.fromEntries(dropped.map((x) => [x.id, 0])) } : {}),
      },
      opId,
    });
    if (result.ok) return { grant, account: result.account };
    if (!result.account) throw new NotFound(`Account ${accountId} does not exist.`);
    // Same sources' version and no such source: only the op guard can have failed. The grant was made
    // before and has since been used up and dropped (or expired): nothing is left of it to answer.
    if (result.account.sourcesVersion === account.sourcesVersion && !result.account.sources.some((x) => x.id === grantId)) {
      return { grant: { ...grant, remaining: 0 }, account: result.account };
    }
    account = result.account;
  }
  throw new Error(`grant on ${accountId} lost ${MAX_RACES} races`);
}
