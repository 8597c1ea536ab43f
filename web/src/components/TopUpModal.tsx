/** Top Up modal: the catalog's packs, then checkout in a new tab; the balance updates when the payment lands. */
import { useState } from 'preact/hooks';
import { api, idempotencyKey } from '../api.ts';
import { checkoutUrlFor, reportError, setPendingTopUp, clearPendingTopUp } from '../actions.ts';
import { useCatalog } from '../catalog.ts';
import { formatMoney, formatPrice, plural } from '../format.ts';
import { closeModal, getState, useAppState } from '../store.ts';
import type { TopUpPack } from '../types.ts';
import { Modal, lastUsedTestId } from './Modal.tsx';

/** What one credit costs in a pack, from the pack's own price. */
export function pricePerCredit(p: TopUpPack): number {
  return Number(p.price.amount) / p.credits;
}

/** The pack with the lowest price per credit (the first of equals); none when prices are in mixed currencies. */
export function bestValue(packs: readonly TopUpPack[]): string | null {
  if (packs.length < 2 || new Set(packs.map((p) => p.price.currency)).size > 1) return null;
  const ranked = packs.filter((p) => p.credits > 0 && Number.isFinite(pricePerCredit(p)));
  ranked.sort((a, b) => pricePerCredit(a) - pricePerCredit(b));
  return ranked[0]?.id ?? null;
}

export function TopUpModal({ reason }: { reason?: string }) {
  const pending = useAppState((s) => s.pendingTopUp);
  const { packs } = useCatalog();
  const [choice, setChoice] = useState<string>(() => packs[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  // One key per opening of the modal: a double click never creates two checkouts.
  const [key] = useState(idempotencyKey);

  const best = bestValue(packs);

  const checkout = async (e: Event) => {
    e.preventDefault();
    const pack = packs.find((p) => p.id === choice);
    if (!pack) return;
    // Open the tab inside the click, before awaiting, so no popup blocker gets in the way.
    const tab = window.open('', '_blank');
    setBusy(true);
    try {
      const topUp = await api.createTopUp(pack.id, `${key}-${pack.id}`);
      setPendingTopUp({
        id: topUp.id,
        credits: topUp.credits ?? pack.credits,
        checkoutUrl: topUp.checkoutUrl,
        baselinePurchased: getState().credits?.credits.purchased ?? 0,
        startedAt: Date.now(),
        resumeTestId: lastUsedTestId() ?? undefined,
      });
      const url = checkoutUrlFor(topUp.checkoutUrl);
      if (tab) tab.location.href = url;
      else location.assign(url);
    } catch (err) {
      tab?.close();
      reportError(err, 'Could not start the top-up');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="Top up credits" onClose={closeModal} testId="topup-modal" description={reason}>
      {pending ? (
        <div class="pending" data-testid="topup-pending" role="status">
          <span class="spinner" aria-hidden="true" />
          <div>
            <p>
              <strong>Waiting for your payment…</strong>
            </p>
            <p class="muted">
              Complete the checkout in the other tab. Your {pending.credits} credits appear here as soon as the payment lands.
            </p>
            <PendingTopUpActions checkoutUrl={pending.checkoutUrl} openTestId="topup-open-checkout" forgetTestId="topup-forget" />
          </div>
        </div>
      ) : (
        <form onSubmit={checkout}>
          <fieldset class="pack-list" disabled={busy}>
            <legend class="visually-hidden">Choose a pack</legend>
            {packs.map((p) => (
              <label key={p.id} class={`pack${choice === p.id ? ' is-chosen' : ''}`} data-testid={`topup-pack-${p.id}`}>
                <input type="radio" name="pack" value={p.id} checked={choice === p.id} onChange={() => setChoice(p.id)} />
                <span class="pack-credits">
                  {p.credits} credits
                  {best === p.id && (
                    <span class="badge success" data-testid="topup-best-value">
                      Best value
                    </span>
                  )}
                  {p.validDays !== undefined && (
                    <span class="pack-expiry" data-testid="topup-expiry">
                      expires {plural(p.validDays, 'day')} after purchase
                    </span>
                  )}
                </span>
                <span class="pack-price">
                  <span data-testid="topup-price">{formatPrice(p.price)}</span>
                  <span class="pack-unit" data-testid="topup-unit">
                    {formatMoney(pricePerCredit(p), p.price.currency, 1)} per credit
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <p class="hint">
            Purchased credits stay through the monthly refresh and are used after your allowance; a pack that expires says when.
          </p>
          <div class="modal-actions">
            <button type="button" class="button ghost" onClick={closeModal}>
              Cancel
            </button>
            <button type="submit" class="button primary" disabled={busy || !choice} data-testid="topup-checkout">
              {busy ? 'Opening checkout…' : 'Continue to checkout'}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

/** What a merchant can do about a top-up waiting for payment: open its checkout again, or stop waiting. */
export function PendingTopUpActions(p: { checkoutUrl: string; openTestId: string; forgetTestId: string; small?: boolean }) {
  const size = p.small ? ' small' : '';
  return (
    <p class="row">
      <a class={`button${size}`} href={checkoutUrlFor(p.checkoutUrl)} target="_blank" data-testid={p.openTestId}>
        Open checkout again
      </a>
      <button type="button" class={`button${size} ghost`} onClick={clearPendingTopUp} data-testid={p.forgetTestId}>
        Stop waiting
      </button>
    </p>
  );
}
