/**
 * What every AI section shares: the generate/regenerate/select cycle (kept per section in the
 * store), the buttons that show their cost and pause during a cooldown, and the variant blocks.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { FEATURES } from '../../../functions/config.ts';
import { api } from '../api.ts';
import { reportError, runGeneration, saveGeneration } from '../actions.ts';
import { credits as creditsText } from '../format.ts';
import { openModal, useAppState } from '../store.ts';
import type { FeatureId, Generation } from '../types.ts';

export function useGeneration<F extends FeatureId>(key: string, feature: F) {
  const generation = useAppState((s) => s.generations[key] as Generation<F> | undefined);
  const [busy, setBusy] = useState<'generate' | 'regenerate' | 'select' | null>(null);

  const charged = async (kind: 'generate' | 'regenerate', call: () => Promise<Generation<F>>) => {
    setBusy(kind);
    const gen = await runGeneration(call);
    setBusy(null);
    if (gen) saveGeneration(key, gen as Generation);
    return gen;
  };

  return {
    generation,
    busy,
    cost: FEATURES[feature].cost,
    generate: (input: Record<string, unknown>, productId?: string) => charged('generate', () => api.generate(feature, input, productId)),
    regenerate: () => (generation ? charged('regenerate', () => api.regenerate<F>(generation.id)) : Promise.resolve(null)),
    /** Free of charge: stores the chosen variant as the product's content, draft or design. */
    select: async (index: number): Promise<Generation<F> | null> => {
      if (!generation) return null;
      setBusy('select');
      try {
        const gen = await api.select<F>(generation.id, index);
        saveGeneration(key, { ...generation, ...gen, variants: gen.variants ?? generation.variants } as Generation);
        return gen;
      } catch (err) {
        reportError(err, 'Could not save your choice');
        return null;
      } finally {
        setBusy(null);
      }
    },
  };
}

/** True while generating is paused by a cooldown. */
export function useCoolingDown(): boolean {
  return useAppState((s) => s.cooldown !== null);
}

interface ChargedButtonProps {
  label: string;
  cost: number;
  busy: boolean;
  busyLabel?: string;
  onClick: () => void;
  testId: string;
  variant?: 'primary' | 'secondary';
  disabled?: boolean;
}

/** A button that spends credits: shows its cost, disabled while busy or during a cooldown. */
export function ChargedButton({ label, cost, busy, busyLabel, onClick, testId, variant = 'primary', disabled }: ChargedButtonProps) {
  const cooling = useCoolingDown();
  return (
    <button
      type="button"
      class={`button ${variant === 'primary' ? 'primary' : ''}`}
      disabled={busy || cooling || disabled}
      aria-busy={busy}
      onClick={onClick}
      data-testid={testId}
      title={cooling ? 'Generation is paused until the cooldown ends' : undefined}
    >
      {busy && <span class="spinner small" aria-hidden="true" />}
      {busy ? busyLabel ?? 'Generating…' : label}
      <span class="cost"> · {creditsText(cost)}</span>
    </button>
  );
}

interface VariantCardProps {
  index: number;
  selected: boolean;
  onSelect: () => void;
  busy: boolean;
  testId: string;
  children: ComponentChildren;
  selectLabel?: string;
  heading?: string;
}

export function VariantCard({ index, selected, onSelect, busy, testId, children, selectLabel = 'Select', heading }: VariantCardProps) {
  const title = heading ?? `Option ${index + 1}`;
  return (
    <article class={`variant${selected ? ' is-selected' : ''}`} data-testid={testId} data-index={index} aria-label={title}>
      <header class="variant-header">
        <h4>{title}</h4>
        {selected && (
          <span class="badge success" data-testid="variant-selected-badge">
            Selected
          </span>
        )}
      </header>
      <div class="variant-body">{children}</div>
      <footer class="variant-footer">
        <button
          type="button"
          class={`button ${selected ? 'success' : ''}`}
          disabled={busy || selected}
          aria-pressed={selected}
          onClick={onSelect}
          data-testid={`${testId}-select`}
        >
          {selected ? 'Selected ✓' : selectLabel}
        </button>
      </footer>
    </article>
  );
}

/** The free plan's teaser: no text exists for it, so blurred placeholder lines stand in. */
export function LockedVariant({ index, testId = 'variant-locked' }: { index: number; testId?: string }) {
  const widths = ['96%', '88%', '92%', '70%', '94%', '84%', '60%'];
  return (
    <article class="variant locked" data-testid={testId} data-index={index} aria-label={`Option ${index + 1}, locked`}>
      <header class="variant-header">
        <h4>Option {index + 1}</h4>
        <span class="badge">Paid plans</span>
      </header>
      <div class="locked-shapes" aria-hidden="true">
        {widths.map((w, i) => (
          <span key={i} class="shape-line" style={{ width: w }} />
        ))}
      </div>
      <div class="locked-overlay">
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <path
            d="M7 10V8a5 5 0 0110 0v2h1a1 1 0 011 1v9a1 1 0 01-1 1H6a1 1 0 01-1-1v-9a1 1 0 011-1h1zm2 0h6V8a3 3 0 00-6 0v2z"
            fill="currentColor"
          />
        </svg>
        <p>A second option comes with every paid plan.</p>
        <button
          type="button"
          class="button primary"
          onClick={() => openModal({ kind: 'upgrade', reason: 'Upgrade to unlock a second option for every generation.' })}
          data-testid="locked-upgrade"
        >
          Upgrade to unlock
        </button>
      </div>
    </article>
  );
}

/** A paid feature shown to a free merchant: what it does and the way to unlock it. */
export function UpgradePrompt({ title, text, testId }: { title: string; text: string; testId: string }) {
  return (
    <div class="upgrade-prompt" data-testid={testId}>
      <div>
        <strong>{title}</strong>
        <p class="muted">{text}</p>
      </div>
      <button type="button" class="button primary" onClick={() => openModal({ kind: 'upgrade', reason: `${title} is available on paid plans.` })} data-testid={`${testId}-button`}>
        Upgrade to unlock
      </button>
    </div>
  );
}
