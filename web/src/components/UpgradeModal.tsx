/** Upgrade modal: why the merchant hit a wall, and the paid plans with their monthly allowances. */
import { useState } from 'preact/hooks';
import { FEATURES, PLANS, PLAN_IDS } from '../../../functions/config.ts';
import { changePlanLocally, planLabel } from '../actions.ts';
import { closeModal, getState, useAppState } from '../store.ts';
import type { PlanId } from '../types.ts';
import { Modal } from './Modal.tsx';

const PAID_PLANS = PLAN_IDS.filter((id) => PLANS[id].capabilities.allVariants);
const PAID_FEATURES = Object.values(FEATURES).filter((f) => !f.plans.includes('free'));

// As they read mid-sentence: "SEO" keeps its capitals.
const FEATURE_NAMES: Record<string, string> = {
  product_description: 'product descriptions',
  seo_meta: 'SEO meta tags',
  image_enhancement: 'photo enhancement',
  blog_post: 'blog posts',
  website_design: 'website designs',
};

/** "a, b and c". */
function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function UpgradeModal({ reason }: { reason: string }) {
  const mode = useAppState((s) => s.config.mode);
  const current = useAppState((s) => s.credits?.plan);
  const [busy, setBusy] = useState<PlanId | null>(null);

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
        Paid plans come with more monthly credits, two options to choose from on every generation, and{' '}
        {joinNames(PAID_FEATURES.map((f) => FEATURE_NAMES[f.id] ?? f.id))}.
      </p>
      <ul class="plan-grid" role="list">
        {PAID_PLANS.map((id) => (
          <li key={id} class={`plan-card${current === id ? ' is-current' : ''}`} data-testid={`upgrade-plan-${id}`}>
            <h3>{planLabel(id)}</h3>
            <p class="plan-amount">
              <strong>{PLANS[id].monthlyAllowance}</strong> credits / month
            </p>
            <ul class="plan-perks">
              <li>2 selectable options</li>
              <li>Top-ups available</li>
            </ul>
            <button
              type="button"
              class="button primary block"
              disabled={busy !== null || current === id}
              onClick={() => choose(id)}
              data-testid={`upgrade-choose-${id}`}
              data-autofocus={id === PAID_PLANS[0] ? '' : undefined}
            >
              {current === id ? 'Current plan' : busy === id ? 'Switching…' : `Choose ${planLabel(id)}`}
            </button>
          </li>
        ))}
      </ul>
      {mode === 'local' && <p class="hint">Local mode: choosing a plan sends the billing system's signed subscription webhook.</p>}
    </Modal>
  );
}
