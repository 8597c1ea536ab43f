/**
 * Balance alerts: `low_balance` once per alert period for each threshold of `LIMITS.lowBalanceThresholds`
 * (available strictly below p × allowance), `credits_depleted` once per period when available reaches 0,
 * and `credits_recovered` once per dip, when available is back to at least the lowest threshold crossed
 * since the last recovery (or the period start). An alert period is an allowance epoch: a reset or a
 * refresh starts a new one (those writes reset the state themselves, see `credits.ts`).
 *
 * The state lives on the balance item (`AccountState.alerts`). A writer that changed the balance decides
 * from the state its write answered (a consistent snapshot of balance and alerts) and applies each
 * transition as one write guarded on the alert state it was decided from, carrying the transition's
 * outbound events into the event outbox. Concurrent writers race on that guard: one wins, the others read
 * the winner's state from their refused write and decide again, so each alert fires exactly once.
 *
 * Imported by the functions that change balances on purpose (generations, top-ups, grants, adjustments,
 * the hourly job), never by the read path: a transition a reader's change caused (a refund of an abandoned
 * hold) is found by the next writer, since the alerts are a function of the stored state.
 */
import { LIMITS, outOfCreditsAction } from '../config.ts';
import type { Clock } from './clock.ts';
import { derivedId } from './ids.ts';
import { outboundEvent, type OutboundEvent } from './outbound.ts';
import type { AccountState, AlertState, CreditStore, Notification, NotificationStore } from './ports.ts';
import { availableAt } from './sources.ts';

export interface AlertDeps {
  store: CreditStore;
  notifications: NotificationStore;
  clock: Clock;
}

/** The alert state a period starts with. */
export const freshAlerts = (epoch: number): AlertState => ({ epoch, notified: [], depleted: false, band: 0, dip: 0, recoveries: 0 });

/**
 * The state of the account's current period: the stored one if it is this epoch's, else a fresh one. An
 * item from before these alerts that had its single 20% notice this period counts it (and the 50% one,
 * which it passed on the way down) as sent.
 */
export function currentAlerts(a: AccountState): AlertState {
  if (a.alerts && a.alerts.epoch === a.allowanceEpoch) return a.alerts;
  const legacy = !a.alerts && a.lowBalanceNotifiedFor === a.periodStart;
  return { ...freshAlerts(a.allowanceEpoch), notified: legacy ? LIMITS.lowBalanceThresholds.filter((p) => p >= 0.2) : [] };
}

const same = (x: AlertState, y: AlertState): boolean => JSON.stringify(x) === JSON.stringify(y);

/**
 * What the state `a` calls for: the next alert state and the events of the move, or null when nothing
 * changes. Pure: the same snapshot always gives the same decision.
 */
export function alertTransition(a: AccountState, now: Date, thresholds: readonly number[] = LIMITS.lowBalanceThresholds): { alerts: AlertState; events: OutboundEvent[] } | null {
  const s = currentAlerts(a);
  const available = availableAt(a, now.toISOString());
  const data = { available, allowance: a.allowance, plan: a.plan };
  const below = thresholds.filter((p) => available < p * a.allowance).sort((x, y) => y - x);
  const deepest = below.length ? below[below.length - 1] : 0;
  const events: OutboundEvent[] = [];
  const notified = [...s.notified];
  for (const p of below.filter((x) => !notified.includes(x))) {
    notified.push(p);
    events.push(outboundEvent(now, 'credits.low_balance', a.accountId, { threshold: p, ...data }));
  }
  const depleted = s.depleted || available <= 0;
  if (depleted && !s.depleted) events.push(outboundEvent(now, 'credits.depleted', a.accountId, data));
  // A threshold crossed downward since the last transition opens (or deepens) the dip.
  let dip = deepest > 0 && (s.band === 0 || deepest < s.band) ? (s.dip === 0 ? deepest : Math.min(s.dip, deepest)) : s.dip;
  let recoveries = s.recoveries;
  if (dip > 0 && available >= dip * a.allowance) {
    events.push(outboundEvent(now, 'credits.recovered', a.accountId, { threshold: dip, ...data }));
    dip = 0;
    recoveries++;
  }
  const next: AlertState = { epoch: a.allowanceEpoch, notified, depleted, band: deepest, dip, recoveries };
  return same(next, s) ? null : { alerts: next, events };
}

/** How many transitions one call applies at most (each lost race means another writer moved the state). */
const MAX_RACES = 32;

/**
 * Applies the alert transitions `start` calls for, each with one write guarded on the alert state and the
 * balance it was decided from, and writes each alert's in-app notification. Returns the last state a write answered
 * (its `outbox` is what a relay hands on). An outbox at its bound defers the transition: it is decided
 * again by the next writer once a relay has made room.
 */
export async function noticeAlerts(deps: AlertDeps, start: AccountState): Promise<AccountState> {
  let account = start;
  for (let race = 0; race < MAX_RACES; race++) {
    const t = alertTransition(account, deps.clock.now());
    if (!t) return account;
    const full = account.outbox.length >= LIMITS.outboxMaxEvents;
    if (full && t.events.length) return account;
    const r = await deps.store.apply(account.accountId, {
      entries: [],
      alerts: t.alerts,
      ...(t.events.length ? { events: t.events } : {}),
      // Decided on this balance: a credit moved since (a top-up during the model call) refuses the write,
      // which answers the fresh state to decide on again, so no alert fires on a balance that is gone.
      guard: {
        alertsAre: account.alerts ?? null,
        balanceIs: { allowanceRemaining: account.allowanceRemaining, purchased: account.purchased, sourced: account.sourced },
        ...(t.events.length ? { outboxBelow: LIMITS.outboxMaxEvents } : {}),
      },
    });
    if (!r.account) return account;
    account = r.account;
    if (!r.ok) continue;
    // After the write (the events are durable in the outbox); ids derived from the events, so the relay
    // writing them again (a process that died here) keeps one of each.
    await Promise.all(t.events.map((e) => writeNotification(deps, e)));
  }
  return account;
}

/** The in-app notification of an alert event (undefined for other types), under an id derived from the event. */
export function alertNotification(e: OutboundEvent): Omit<Notification, 'readAt'> | undefined {
  const d = e.data as unknown as { available: number; allowance: number; plan: AccountState['plan']; threshold?: number };
  const base = { id: derivedId('ntf', new Date(e.createdAt), e.id), createdAt: e.createdAt };
  const action = () => (outOfCreditsAction(d.plan) === 'top_up' ? 'Top up to keep generating.' : 'Upgrade for more monthly credits.');
  switch (e.type) {
    case 'credits.low_balance':
      return { ...base, type: 'low_balance', threshold: d.threshold, message: `You have ${d.available} AI credits left this period, under ${Math.round(d.threshold! * 100)}% of your ${d.allowance} monthly credits. ${action()}` };
    case 'credits.depleted':
      return { ...base, type: 'credits_depleted', message: `You have used all your AI credits. ${action()}` };
    case 'credits.recovered':
      return recoveredNotification(e);
    default:
      return undefined;
  }
}

/** The notification of a `credits.recovered` (also written by the reset or refresh that ended a dip, see credits.ts). */
export function recoveredNotification(e: OutboundEvent): Omit<Notification, 'readAt'> {
  const d = e.data as unknown as { available: number; threshold: number };
  return { id: derivedId('ntf', new Date(e.createdAt), e.id), createdAt: e.createdAt, type: 'credits_recovered', threshold: d.threshold, message: `Your AI credits are back to ${d.available}.` };
}

export async function writeNotification(deps: Pick<AlertDeps, 'notifications'>, e: OutboundEvent): Promise<void> {
  const n = alertNotification(e);
  if (n) await deps.notifications.add(e.data.accountId, n);
}
