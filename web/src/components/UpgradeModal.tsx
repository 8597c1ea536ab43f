/**
 * Upgrade modal: why the merchant hit a wall, and the plans with a larger allowance than theirs, each
 * with what it may do — all from the catalog.
 */
import { useState } from 'preact/hooks';
import { changePlanLocally } from '../actions.ts';
import { inSentence, joinNames, planOf, useCatalog } from '../catalog.ts';
import { closeModal, getState, useAppState } from '../store.ts';
import type { PlanId } from '../types.ts';
import { Modal } from './Modal.tsx';


export function UpgradeModal({ reason }: { reason: string }) {
  const mode = useAppState((s) => s.config.mode);
  const current = useAppState((s) => s.credits?.plan);
  const [busy, setBusy] = useState<PlanId | null>(null);
  const catalog = useCatalog();
  // Before the balance is known, the smallest plan stands for the merchant's.
  const mine = (current && planOf(catalog, current)) || [...catalog.plans].sort((a, b) => a.monthlyAllowance - b.monthlyAllowance)[0];
  const upgrades = catalog.plans.filter((p) => p.monthlyAllowance > (mine?.monthlyAllowance ?? -1));
  const gained = catalog.features.filter((f) => !mine?.features.includes(f.id) && upgrades.some((p) => p.features.includes(f.id)));
  const options = Math.max(...catalog.features.map((f) => f.variants));

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

  return (
    <Modal title="Upgrade your plan" onClose={closeModal} testId="upgrade-modal" description={reason}>
      <p class="muted">
        Paid plans come with more monthly credits
        {upgrades.every((p) => p.capabilities.allVariants) && !mine?.capabilities.allVariants ? `, ${options} options to choose from on every generation` : ''}
        {gained.length > 0 ? <>, and {joinNames(gained.map((f) => inSentence(f.label)))}</> : null}.
      </p>
      <ul class="plan-grid" role="list">
        {upgrades.map((p) => (
          <li key={p.id} class="plan-card" data-testid={`upgrade-plan-${p.id}`}>
            <h3>{p.label}</h3>
            <p class="plan-amount">
              <strong>{p.monthlyAllowance}</strong> credits / month
            </p>
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
              data-autofocus={p.id === upgrades[0]?.id ? '' : undefined}
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
