/**
 * Upgrade (or plan change) modal: why the merchant is here, and every plan other than theirs with its
 * monthly price, what it may do (the catalog) and the credits it would leave them now
 * (`GET /v1/credits/plan-preview`, read for each plan as the dialog opens; it changes nothing).
 */
import { useEffect, useState } from 'preact/hooks';
import { changePlanLocally } from '../actions.ts';
import { api } from '../api.ts';
import { inSentence, joinNames, planOf, useCatalog } from '../catalog.ts';
import { credits as creditsWord, formatPrice, signed } from '../format.ts';
import { closeModal, getState, useAppState } from '../store.ts';
import type { PlanId, PlanPreview } from '../types.ts';
import { Modal } from './Modal.tsx';

/** A plan's preview as the dialog holds it: being read, read, or unreadable (the plan can still be chosen). */
type PreviewState = PlanPreview | 'loading' | 'failed';

function Preview({ plan, preview }: { plan: PlanId; preview: PreviewState | undefined }) {
  const testId = `upgrade-preview-${plan}`;
  if (preview === undefined || preview === 'loading') {
    return (
      <p class="plan-preview muted" data-testid={testId} data-state="loading">
        Checking your credits…
      </p>
    );
  }
  if (preview === 'failed') {
    return (
      <p class="plan-preview muted" data-testid={testId} data-state="failed">
        Your credits on this plan could not be read just now.
      </p>
    );
  }
  return (
    <p class="plan-preview" data-testid={testId} data-state="ready" data-available={preview.after.available} data-difference={preview.difference}>
      You would have <strong>{creditsWord(preview.after.available)}</strong> ({signed(preview.difference)})
    </p>
  );
}

export function UpgradeModal({ reason }: { reason: string }) {
  const mode = useAppState((s) => s.config.mode);
  const current = useAppState((s) => s.credits?.plan);
  const [busy, setBusy] = useState<PlanId | null>(null);
  const [previews, setPreviews] = useState<Partial<Record<PlanId, PreviewState>>>({});
  const catalog = useCatalog();
  // Before the balance is known, the smallest plan stands for the merchant's.
  const mine = (current && planOf(catalog, current)) || [...catalog.plans].sort((a, b) => a.monthlyAllowance - b.monthlyAllowance)[0];
  const others = catalog.plans.filter((p) => p.id !== mine?.id);
  const upgrades = others.filter((p) => p.monthlyAllowance > (mine?.monthlyAllowance ?? -1));
  const gained = catalog.features.filter((f) => !mine?.features.includes(f.id) && upgrades.some((p) => p.features.includes(f.id)));
  const options = Math.max(...catalog.features.map((f) => f.variants));
  // A merchant who already pays is changing plan (up or down), not upgrading from the free one.
  const title = mine && Number(mine.monthlyPrice.amount) > 0 ? 'Change your plan' : 'Upgrade your plan';
  const otherIds = others.map((p) => p.id).join(',');

  useEffect(() => {
    let live = true;
    const ids = otherIds.split(',').filter(Boolean) as PlanId[];
    setPreviews(Object.fromEntries(ids.map((id) => [id, 'loading'])));
    for (const id of ids) {
      api
        .planPreview(id)
        .then((p): PreviewState => p)
        .catch((): PreviewState => 'failed')
        .then((state) => {
          if (live) setPreviews((prev) => ({ ...prev, [id]: state }));
        });
    }
    return () => {
      live = false;
    };
  }, [otherIds]);

  const choose = async (plan: PlanId) => {
    const { config } = getState();
    if (config.mode === 'local') {
      setBusy(plan);
      const ok = await changePlanLocally(plan);
      setBusy(null);
      if (ok) closeModal();
      return;
    }
    // aws: the host platform owns billing; send the merchant there (or tell the embedding page).
    if (config.upgradeUrl) location.assign(`${config.upgradeUrl}${config.upgradeUrl.includes('?') ? '&' : '?'}plan=${plan}`);
    else window.parent?.postMessage({ type: 'ai-credits:upgrade', plan }, '*');
  };

  const focusFirst = (upgrades[0] ?? others[0])?.id;
  return (
    <Modal title={title} onClose={closeModal} testId="upgrade-modal" description={reason}>
      {upgrades.length > 0 && (
        <p class="muted">
          Larger plans come with more monthly credits
          {upgrades.every((p) => p.capabilities.allVariants) && !mine?.capabilities.allVariants ? `, ${options} options to choose from on every generation` : ''}
          {gained.length > 0 ? <>, and {joinNames(gained.map((f) => inSentence(f.label)))}</> : null}.
        </p>
      )}
      {mine && current && (
        <p class="muted small" data-testid="upgrade-current">
          You are on {mine.label} ({formatPrice(mine.monthlyPrice)} a month).
        </p>
      )}
      <ul class="plan-grid" role="list">
        {others.map((p) => (
          <li key={p.id} class="plan-card" data-testid={`upgrade-plan-${p.id}`}>
            <h3>{p.label}</h3>
            <p class="plan-price" data-testid={`upgrade-price-${p.id}`}>
              <strong>{formatPrice(p.monthlyPrice)}</strong> / month
            </p>
            <p class="plan-amount">
              <strong>{p.monthlyAllowance}</strong> credits / month
            </p>
            <Preview plan={p.id} preview={previews[p.id]} />
            <ul class="plan-perks">
              {p.capabilities.allVariants && <li>{options} selectable options</li>}
              {p.capabilities.topUp && <li>Top-ups available</li>}
            </ul>
            <button
              type="button"
              class="button primary block"
              disabled={busy !== null}
              onClick={() => choose(p.id)}
              data-testid={`upgrade-choose-${p.id}`}
              data-autofocus={p.id === focusFirst ? '' : undefined}
            >
              {busy === p.id ? 'Switching…' : `Choose ${p.label}`}
            </button>
          </li>
        ))}
      </ul>
      {mode === 'local' && <p class="hint">Local mode: choosing a plan sends the billing system's signed subscription webhook.</p>}
    </Modal>
  );
}
