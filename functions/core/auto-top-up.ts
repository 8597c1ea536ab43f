/**
 * Auto top-up (paid plans): when a charge leaves `available` below the merchant's `thresholdCredits`,
 * one top-up of the chosen pack is requested (`trigger: "auto"`, `pending`) and `topup.requested` is
 * emitted for the billing system, which charges the saved card and answers with the usual `topup.paid`
 * or `topup.failed`.
 *
 * The setting and its state live on the balance item (`AccountState.autoTopUp`), so each decision is one
 * conditional write guarded on exactly what it read:
 * - requesting: no top-up pending, the setting as read (enabled), the month's count as read (below the
 *   limit), every bucket at most what was read (so `available` is still below the threshold) and a paid
 *   plan. The write sets the pending marker, which names the top-up's id, counts it for the month and
 *   records `topup.requested` in the event outbox; the top-up item is written after it under that id. A
 *   process that dies in between leaves the marker: `topup.paid` / `topup.failed` for that id and
 *   `GET /v1/credits/auto-top-up` write the item from it (the write is idempotent).
 * - `topup.paid` clears the marker and the failure streak in the write that credits the pack;
 *   `topup.failed` clears it and counts a failure, and the third in a row turns the setting off (one
 *   write, then `auto_top_up_disabled`); past the monthly limit, one write marks the month's notice
 *   handled and `auto_top_up_limit_reached` is written once; a plan change to free turns it off in the
 *   plan change's own write.
 */
import { relayOutbox, type RelayDeps } from './outbox.ts';
import { AUTO_TOP_UP, PLAN_IDS, PLANS, TOP_UP_PACKS, type PlanId } from '../config.ts';
import { ensureAccount, type CreditsDeps } from './credits.ts';
import { NotFound, PlanUpgradeRequired } from './errors.ts';
import { derivedId, idTime } from './ids.ts';
import type { OutboundEvent } from './outbound.ts';
import type { AccountState, AutoTopUpSetting, AutoTopUpState, Change, PendingAutoTopUp } from './ports.ts';
import { availableAt } from './sources.ts';
import type { TopUp, TopUpStore } from './top-up-store.ts';

export interface AutoTopUpDeps extends CreditsDeps {
  topUps: TopUpStore;
}

/** `PUT /v1/credits/auto-top-up`: with `enabled: true` every field is given; otherwise the stored ones are kept. */
export interface AutoTopUpRequest {
  enabled: boolean;
  packId?: string;
  thresholdCredits?: number;
  monthlyLimit?: number;
}

const MAX_RACES = 64;
const NONE: AutoTopUpState = { setting: null, pending: null, month: null, count: 0, failures: 0, limitNotifiedAt: null };
const PAID_PLANS: readonly PlanId[] = PLAN_IDS.filter((p) => PLANS[p].capabilities.topUp);
const stateOf = (a: AccountState): AutoTopUpState => a.autoTopUp ?? NONE;
/** The calendar month (UTC) an instant falls in, `YYYY-MM`, and the instant it starts. */
const monthOf = (at: string): string => at.slice(0, 7);
const monthStart = (at: string): string => `${monthOf(at)}-01T00:00:00.000Z`;

/** The top-up item a pending marker names (its creation instant is the id's own). Null for a pack no longer offered. */
function autoTopUpItem(accountId: string, pending: PendingAutoTopUp): TopUp | null {
  const pack = TOP_UP_PACKS.find((p) => p.id === pending.packId);
  if (!pack) return null;
  return {
    id: pending.topUpId,
    accountId,
    packId: pack.id,
    credits: pack.credits,
    price: { ...pack.price },
    status: 'pending',
    trigger: 'auto',
    createdAt: (idTime(pending.topUpId) ?? new Date(0)).toISOString(),
    ...(pack.validDays ? { validDays: pack.validDays } : {}),
  };
}

/** The event the billing system charges the saved card on (outbox; EventBridge `TopUpRequested`). */
function requestedEvent(topUp: TopUp, now: Date): OutboundEvent {
  return {
    id: derivedId('evt', now, `topup.requested:${topUp.id}`),
    type: 'topup.requested',
    createdAt: now.toISOString(),
    data: { accountId: topUp.accountId, topUpId: topUp.id, packId: topUp.packId, credits: topUp.credits, price: topUp.price, trigger: 'auto' },
  };
}

/**
 * Runs after a charge, on the state the charge's write returned: requests one auto top-up when the
 * charge left `available` below the threshold (or, past the month's limit, notes it once). Returns the
 * top-up it requested, if any. Safe under any number of concurrent charges: one marker write wins, the
 * others find the top-up pending. A store without the auto top-up attributes leaves `autoTopUp`
 * undefined, and nothing happens.
 */
export async function autoTopUpAfterCharge(deps: AutoTopUpDeps, start: AccountState): Promise<TopUp | null> {
  let account = start;
  for (let race = 0; race < MAX_RACES; race++) {
    const s = account.autoTopUp;
    const setting = s?.setting;
    if (!s || !setting?.enabled || s.pending || !PLANS[account.plan].capabilities.topUp) return null;
    const now = deps.clock.now();
    const at = now.toISOString();
    // A period that has ended is refreshed by the next request, which decides on the refreshed balance.
    if (account.periodEnd <= at || availableAt(account, at) >= setting.thresholdCredits!) return null;
    const month = monthOf(at);
    const count = s.month === month ? s.count : 0;
    const guard = {
      settingIs: setting,
      pendingIs: null,
      countIs: { month: s.month, count: s.count },
      bucketsAtMost: { allowanceRemaining: account.allowanceRemaining, purchased: account.purchased, sourced: account.sourced },
    };
    let change: Change;
    let topUp: TopUp | null = null;
    if (count >= setting.monthlyLimit!) {
      if (s.limitNotifiedAt !== null && s.limitNotifiedAt >= monthStart(at)) return null;
      change = { entries: [], autoTopUp: { limitNotifiedAt: at, guard: { ...guard, limitNotNotifiedSince: monthStart(at) } }, guard: { periodCurrentAt: at } };
    } else {
      // The id is fixed by the account, the month and the count: the marker names it, and whoever writes the item writes the same one.
      const pending = { topUpId: derivedId('tu', now, `auto:${account.accountId}:${month}:${count + 1}`), packId: setting.packId! };
      topUp = autoTopUpItem(account.accountId, pending);
      if (!topUp) return null;
      change = {
        entries: [],
        events: [requestedEvent(topUp, now)],
        autoTopUp: { pending, count: { month, count: count + 1 }, guard },
        guard: { planIn: PAID_PLANS, periodCurrentAt: at },
      };
    }
    const r = await deps.store.apply(account.accountId, change);
    if (r.ok) {
      if (topUp) {
        await deps.topUps.createTopUp(topUp);
        // `topup.requested` was recorded by this write: hand it on now (the bus and the webhooks), or the
        // next relay does (the outbox keeps it).
        await relayOutbox(deps as RelayDeps, r.account).catch(() => undefined);
        return topUp;
      }
      await deps.notifications.add(account.accountId, {
        id: derivedId('ntf', now, `auto_top_up_limit_reached:${month}`),
        type: 'auto_top_up_limit_reached',
        message: `Auto top-up reached its limit of ${setting.monthlyLimit} this month: no more packs are bought before ${nextMonth(at).slice(0, 10)}. Raise the limit or top up by hand to keep generating.`,
        createdAt: at,
      });
      return null;
    }
    if (!r.account) return null;
    account = r.account;
  }
  return null;
}

const nextMonth = (at: string): string => {
  const d = new Date(monthStart(at));
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString();
};

/**
 * What `topup.paid` of an auto top-up changes, in the write that credits it: the marker goes if it names
 * this top-up, and the failure streak ends. Decided on each state the credit is tried on.
 */
export const autoTopUpPaid =
  (topUpId: string) =>
  (account: AccountState): Pick<Change, 'autoTopUp'> | undefined => {
    const s = account.autoTopUp;
    if (!s) return undefined;
    const named = s.pending?.topUpId === topUpId;
    if (!named && s.failures === 0) return undefined;
    return { autoTopUp: { ...(named ? { pending: null } : {}), failures: 0, guard: named ? { pendingIs: topUpId } : {} } };
  };

/** A plan without top-ups turns an enabled auto top-up off, in the plan change's own write. */
export const autoTopUpOnPlanChange =
  (plan: PlanId, at: string) =>
  (account: AccountState): Pick<Change, 'autoTopUp'> | undefined => {
    const setting = account.autoTopUp?.setting;
    if (PLANS[plan].capabilities.topUp || !setting?.enabled) return undefined;
    return { autoTopUp: { setting: { ...setting, enabled: false, disabled: { reason: 'downgrade', at } }, guard: { settingIs: setting } } };
  };

async function notifyDisabled(deps: CreditsDeps, accountId: string, setting: AutoTopUpSetting): Promise<void> {
  const off = setting.disabled!;
  await deps.notifications.add(accountId, {
    id: derivedId('ntf', new Date(off.at), `auto_top_up_disabled:${off.topUpId ?? ''}`),
    type: 'auto_top_up_disabled',
    message: `Auto top-up was turned off: the last ${AUTO_TOP_UP.failuresToDisable} payments failed. Check your saved card, then turn it on again.`,
    createdAt: off.at,
  });
}

/**
 * `topup.failed` of an auto top-up: clears the marker and counts the failure; the one that makes
 * `failuresToDisable` in a row also turns the setting off (one write), then `auto_top_up_disabled` is
 * written. A repeated event finds the marker gone; if its failure was the one that turned the setting
 * off, the notice is written again under the same id (kept once), in case the first delivery died first.
 */
export async function autoTopUpFailed(deps: AutoTopUpDeps, accountId: string, topUpId: string): Promise<void> {
  let account = await ensureAccount(deps, accountId);
  for (let race = 0; race < MAX_RACES; race++) {
    const s = stateOf(account);
    if (s.pending?.topUpId !== topUpId) {
      if (s.setting?.disabled?.reason === 'failures' && s.setting.disabled.topUpId === topUpId) await notifyDisabled(deps, accountId, s.setting);
      return;
    }
    const failures = s.failures + 1;
    const at = deps.clock.now().toISOString();
    const setting: AutoTopUpSetting | undefined =
      failures >= AUTO_TOP_UP.failuresToDisable && s.setting?.enabled ? { ...s.setting, enabled: false, disabled: { reason: 'failures', at, topUpId } } : undefined;
    const r = await deps.store.apply(accountId, {
      entries: [],
      autoTopUp: { pending: null, failures, ...(setting ? { setting } : {}), guard: { pendingIs: topUpId, failuresIs: s.failures, ...(setting ? { settingIs: s.setting } : {}) } },
      guard: {},
    });
    if (r.ok) {
      if (setting) await notifyDisabled(deps, accountId, setting);
      return;
    }
    if (!r.account) return;
    account = r.account;
  }
  throw new Error(`auto top-up failure on ${accountId} lost ${MAX_RACES} races`);
}

/**
 * The top-up a pending marker names, written if its item is missing (its writer died after the marker).
 * Null when the marker names another (or none).
 */
export async function autoTopUpFromMarker(deps: AutoTopUpDeps, account: AccountState, topUpId: string): Promise<TopUp | null> {
  const pending = account.autoTopUp?.pending;
  if (pending?.topUpId !== topUpId) return null;
  const item = autoTopUpItem(account.accountId, pending);
  if (!item) return null;
  await deps.topUps.createTopUp(item);
  return (await deps.topUps.getTopUp(account.accountId, topUpId)) ?? item;
}

/** What `GET` / `PUT /v1/credits/auto-top-up` answer. */
export interface AutoTopUpView {
  enabled: boolean;
  packId?: string;
  thresholdCredits?: number;
  monthlyLimit?: number;
  updatedAt?: string;
  /** Why the service turned it off, while it stays off (`failures`: three failed in a row; `downgrade`: the plan has no top-ups). */
  disabledReason: 'failures' | 'downgrade' | null;
  /** The auto top-up awaiting the billing system's answer. */
  pending: { topUpId: string; packId: string } | null;
  /** The current calendar month (UTC) and the auto top-ups created in it. */
  month: string;
  countThisMonth: number;
  consecutiveFailures: number;
  /** The newest auto top-ups, newest first. */
  lastAttempts: Array<Pick<TopUp, 'id' | 'packId' | 'credits' | 'price' | 'status' | 'createdAt' | 'paidAt' | 'failedAt'>>;
}

async function viewOf(deps: AutoTopUpDeps, account: AccountState): Promise<AutoTopUpView> {
  const s = stateOf(account);
  const month = monthOf(deps.clock.now().toISOString());
  // Auto top-ups among the newest top-ups (manual ones are listed by GET /v1/credits/top-ups).
  const page = await deps.topUps.listTopUps(account.accountId, 4 * AUTO_TOP_UP.recentAttempts);
  const recent = page.items.filter((t) => t.trigger === 'auto');
  if (s.pending && !recent.some((t) => t.id === s.pending!.topUpId)) {
    const stored = (await deps.topUps.getTopUp(account.accountId, s.pending.topUpId)) ?? (await autoTopUpFromMarker(deps, account, s.pending.topUpId));
    if (stored) recent.unshift(stored);
  }
  const setting = s.setting;
  return {
    enabled: setting?.enabled ?? false,
    ...(setting?.packId ? { packId: setting.packId } : {}),
    ...(setting?.thresholdCredits ? { thresholdCredits: setting.thresholdCredits } : {}),
    ...(setting?.monthlyLimit ? { monthlyLimit: setting.monthlyLimit } : {}),
    ...(setting?.updatedAt ? { updatedAt: setting.updatedAt } : {}),
    disabledReason: setting && !setting.enabled && setting.disabled ? setting.disabled.reason : null,
    pending: s.pending ? { ...s.pending } : null,
    month,
    countThisMonth: s.month === month ? s.count : 0,
    consecutiveFailures: s.failures,
    lastAttempts: recent.slice(0, AUTO_TOP_UP.recentAttempts).map((t) => ({
      id: t.id,
      packId: t.packId,
      credits: t.credits,
      price: t.price,
      status: t.status,
      createdAt: t.createdAt,
      ...(t.paidAt ? { paidAt: t.paidAt } : {}),
      ...(t.failedAt ? { failedAt: t.failedAt } : {}),
    })),
  };
}

/** `GET /v1/credits/auto-top-up`: the setting (`enabled: false` until one is stored) and what it has done. Any plan may read it. */
export async function getAutoTopUp(deps: AutoTopUpDeps, accountId: string): Promise<AutoTopUpView> {
  return viewOf(deps, await ensureAccount(deps, accountId));
}

/**
 * `PUT /v1/credits/auto-top-up` (paid plans; free → 403). Guarded on the setting it replaces and on a
 * paid plan, so a concurrent downgrade or failure is never overwritten unseen. Turning it on again
 * after the service turned it off starts a new failure streak. Nothing is requested here: the next
 * charge that leaves `available` below the threshold does it.
 */
export async function setAutoTopUp(deps: AutoTopUpDeps, accountId: string, req: AutoTopUpRequest): Promise<AutoTopUpView> {
  let account = await ensureAccount(deps, accountId);
  for (let race = 0; race < MAX_RACES; race++) {
    if (!PLANS[account.plan].capabilities.topUp) throw new PlanUpgradeRequired('Auto top-up is available on paid plans. Upgrade to turn it on.');
    const s = stateOf(account);
    const prev = s.setting;
    const packId = req.packId ?? prev?.packId;
    const thresholdCredits = req.thresholdCredits ?? prev?.thresholdCredits;
    const monthlyLimit = req.monthlyLimit ?? prev?.monthlyLimit;
    const next: AutoTopUpSetting = {
      enabled: req.enabled,
      ...(packId ? { packId } : {}),
      ...(thresholdCredits ? { thresholdCredits } : {}),
      ...(monthlyLimit ? { monthlyLimit } : {}),
      updatedAt: deps.clock.now().toISOString(),
    };
    const restart = req.enabled && !prev?.enabled && s.failures > 0;
    const r = await deps.store.apply(accountId, {
      entries: [],
      autoTopUp: { setting: next, ...(restart ? { failures: 0 } : {}), guard: { settingIs: prev } },
      guard: { planIn: PAID_PLANS },
    });
    if (r.ok) return viewOf(deps, r.account);
    if (!r.account) throw new NotFound(`Account ${accountId} does not exist.`);
    account = r.account;
  }
  throw new Error(`auto top-up setting on ${accountId} lost ${MAX_RACES} races`);
}
