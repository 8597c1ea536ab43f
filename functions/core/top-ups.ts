/**
 * Top-ups: paid merchants buy credit packs. A top-up is created `pending`; the billing system confirms
 * it with a signed `topup.paid` (or `topup.failed`) webhook, and only then are credits added, to the
 * purchased bucket, exactly once per top-up.
 */
import { autoTopUpFailed, autoTopUpFromMarker, autoTopUpPaid } from './auto-top-up.ts';
import { recordTopUp, type UsageDeps } from './operator-usage.ts';
import { PLANS, TOP_UP_PACKS, type TopUpPack } from '../config.ts';
import { creditPurchased, ensureAccount, type CreditsDeps } from './credits.ts';
import { NotFound, PlanUpgradeRequired } from './errors.ts';
import { derivedId, newId } from './ids.ts';
import { afterChange, type RelayDeps } from './outbox.ts';

import type { TopUp, TopUpStore } from './top-up-store.ts';

export type { TopUp, TopUpStatus, TopUpStore, TopUpTrigger } from './top-up-store.ts';

export interface TopUpDeps extends CreditsDeps, UsageDeps, RelayDeps {
  topUps: TopUpStore;
}

/** What the API shows of a top-up (the account is the caller's own). */
export type TopUpView = Omit<TopUp, 'accountId' | 'trigger'> & { trigger: NonNullable<TopUp['trigger']> };
export const topUpView = ({ accountId: _a, trigger, ...rest }: TopUp): TopUpView => ({ ...rest, trigger: trigger ?? 'manual' });

export function listPacks(): { items: TopUpPack[] } {
  return { items: TOP_UP_PACKS.map((p) => ({ ...p, price: { ...p.price } })) };
}

/**
 * Where the merchant pays: `{base}/{accountId}/{topUpId}`. The billing system confirms a payment with
 * the account and the top-up (the webhook's `accountId`, `topUpId`), and a top-up is stored under its
 * account, so the URL carries both: the checkout reads the top-up by its key, and a URL naming another
 * account finds nothing there (as a webhook naming another account changes nothing).
 */
export function checkoutUrl(checkoutBaseUrl: string, accountId: string, topUpId: string): string {
  return `${checkoutBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(accountId)}/${encodeURIComponent(topUpId)}`;
}

/** Starts a purchase: a `pending` top-up and the checkout URL where the merchant pays. Paid plans only. */
export async function createTopUp(deps: TopUpDeps, accountId: string, packId: string, checkoutBaseUrl: string): Promise<TopUpView> {
  const account = await ensureAccount(deps, accountId);
  if (!PLANS[account.plan].capabilities.topUp) {
    throw new PlanUpgradeRequired('Credit packs are available on paid plans. Upgrade to buy top-ups.');
  }
  const pack = TOP_UP_PACKS.find((p) => p.id === packId);
  if (!pack) throw new NotFound(`There is no top-up pack ${packId}.`);
  const now = deps.clock.now();
  const id = newId('tu', now);
  const topUp: TopUp = {
    id,
    accountId,
    packId: pack.id,
    credits: pack.credits,
    price: { ...pack.price },
    status: 'pending',
    trigger: 'manual',
    checkoutUrl: checkoutUrl(checkoutBaseUrl, accountId, id),
    createdAt: now.toISOString(),
    // The terms bought are the pack's at purchase: a later change of the pack does not move them.
    ...(pack.validDays ? { validDays: pack.validDays } : {}),
  };
  await deps.topUps.createTopUp(topUp);
  return topUpView(topUp);
}

export async function listTopUps(deps: TopUpDeps, accountId: string, limit: number, cursor?: string) {
  await ensureAccount(deps, accountId);
  const page = await deps.topUps.listTopUps(accountId, limit, cursor);
  return { items: page.items.map(topUpView), nextCursor: page.nextCursor };
}

export type SettleOutcome = 'credited' | 'already_paid' | 'failed' | 'unchanged' | 'unknown_top_up';

/**
 * `topup.paid`: credits the pack once per top-up, also after an earlier `topup.failed`.
 * The writes are ordered so that a retry after a crash between any two of them finishes the job:
 * 1. the credit, guarded by the op id `topup:<id>` on the balance item (a repeat credits nothing);
 * 2. the status `paid` (never before the credit, so `paid` always means credited);
 * 3. the `top_up_completed` notification, whose id derives from the top-up and its `paidAt`, so a
 *    repeat rewrites the same notification.
 * An unknown top-up, or one of another account (looked up under the event's account), changes nothing.
 * An auto top-up's credit also clears its pending marker and the failure streak (`autoTopUpPaid`).
 */
export async function topUpPaid(deps: TopUpDeps, accountId: string, topUpId: string): Promise<SettleOutcome> {
  const topUp = await findTopUp(deps, accountId, topUpId);
  if (!topUp) return 'unknown_top_up';
  let outcome: SettleOutcome = 'already_paid';
  let paid = topUp;
  if (topUp.status !== 'paid') {
    const r = await creditPurchased(
      deps,
      accountId,
      `topup:${topUp.id}`,
      topUp.credits,
      { topUpId: topUp.id, reason: `Top-up ${topUp.packId} (${topUp.credits} credits${topUp.validDays ? `, valid ${topUp.validDays} days` : ''})` },
      topUp.validDays,
      topUp.trigger === 'auto' ? autoTopUpPaid(topUp.id) : undefined,
    );
    if (r.credited) {
      outcome = 'credited';
      // topup.completed was recorded with the credit; the credit can also end a dip (credits_recovered).
      await afterChange(deps, r.account);
      await recordTopUp(deps, { at: r.creditedAt!, plan: r.account.plan, credits: topUp.credits, price: topUp.price });
    }
    // `paidAt` is the instant of the credit, so an expiring pack's source expires exactly `validDays` after it
    // (a retry after a crash between the two writes can only record a later instant).
    paid = (await deps.topUps.markPaid(accountId, topUp.id, r.creditedAt ?? deps.clock.now().toISOString())) ?? topUp;
  }
  const at = new Date(paid.paidAt ?? paid.createdAt);
  await deps.notifications.add(accountId, {
    id: derivedId('ntf', at, `top_up_completed:${topUp.id}`),
    type: 'top_up_completed',
    message: `Your top-up of ${topUp.credits} AI credits is complete.`,
    createdAt: at.toISOString(),
  });
  return outcome;
}

/**
 * `topup.failed`: a `pending` top-up becomes `failed`; nothing is credited, and `paid` stays `paid`.
 * For an auto top-up the pending marker is then cleared and the failure counted (`autoTopUpFailed`),
 * also when the status was already written (a retry after a crash between the two).
 */
export async function topUpFailed(deps: TopUpDeps, accountId: string, topUpId: string): Promise<SettleOutcome> {
  const topUp = await findTopUp(deps, accountId, topUpId);
  if (!topUp) return 'unchanged';
  const changed = await deps.topUps.markFailed(accountId, topUpId, deps.clock.now().toISOString());
  if (topUp.trigger === 'auto') await autoTopUpFailed(deps, accountId, topUpId);
  return changed ? 'failed' : 'unchanged';
}

/** The stored top-up; else the auto top-up a pending marker names, written now (its writer died after the marker). */
async function findTopUp(deps: TopUpDeps, accountId: string, topUpId: string): Promise<TopUp | null> {
  const stored = await deps.topUps.getTopUp(accountId, topUpId);
  if (stored) return stored;
  const account = await deps.store.getAccount(accountId);
  return account ? autoTopUpFromMarker(deps, account, topUpId) : null;
}
