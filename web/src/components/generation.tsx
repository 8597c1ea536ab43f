/**
 * What every AI section shares: the generate/regenerate/select cycle (kept per section in the
 * store), the buttons that show their cost and pause during a cooldown, and the variant blocks.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { reportError, runGeneration, saveGeneration } from '../actions.ts';
import { featureOf, plansGivingAll, plansWith, joinNames, useCatalog } from '../catalog.ts';
import { credits as creditsText } from '../format.ts';
import { openModal, pushToast, useAppState } from '../store.ts';
import type { FeatureId, Generation, InputOf, VariantByFeature } from '../types.ts';

/** What the page tells once a variant is chosen, and what it reloads then. */
export interface SelectedNotice {
  title: string;
  message?: string;
  after?: () => Promise<unknown>;
}

export function useGeneration<F extends FeatureId>(key: string, feature: F, onSelected?: SelectedNotice) {
  const generation = useAppState((s) => s.generations[key] as Generation<F> | undefined);
  const catalog = useCatalog();
  const [busy, setBusy] = useState<'generate' | 'regenerate' | 'select' | null>(null);

  const charged = async (kind: 'generate' | 'regenerate', call: () => Promise<Generation<F>>) => {
    setBusy(kind);
    const gen = await runGeneration(call);
    setBusy(null);
    if (gen) saveGeneration(key, gen as Generation);
    return gen;
  };

  const select = async (index: number): Promise<Generation<F> | null> => {
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
  };

  return {
    generation,
    busy,
    key,
    feature,
    /** Shows a generation read back (a past option) in the section, as if it had just been made. */
    show: (gen: Generation<F>) => saveGeneration(key, gen as Generation),
    cost: featureOf(catalog, feature).cost,
    generate: (input: InputOf<F>, productId?: string) => charged('generate', () => api.generate(feature, input, productId)),
    regenerate: () => (generation ? charged('regenerate', () => api.regenerate<F>(generation.id)) : Promise.resolve(null)),
    /** Free of charge: stores the chosen variant as the product's content, draft or design, then says so. */
    select: async (index: number): Promise<Generation<F> | null> => {
      const gen = await select(index);
      if (gen && onSelected) {
        const { after, ...toast } = onSelected;
        pushToast({ kind: 'success', ...toast, ttlMs: 4000 });
        await after?.();
      }
      return gen;
    },
  };
}

export type GenerationState<F extends FeatureId> = ReturnType<typeof useGeneration<F>>;

interface ChargedButtonProps {
  label: string;
  cost: number;
  busy: boolean;
  busyLabel?: string;
  onClick: () => void;
  testId: string;
  variant?: 'primary' | 'secondary';
  disabled?: boolean;
  /** Why it cannot be used now (shown beside it and read with it); needed whenever `disabled` is. */
  disabledReason?: string;
}

/**
 * A button that spends credits: shows its cost; waits while busy or during a cooldown, and says why.
 * It is `aria-disabled`, never `disabled`: a focused button that turns disabled drops focus to the
 * page, and a keyboard merchant would lose their place (and a dialog its way back).
 */
export function ChargedButton({ label, cost, busy, busyLabel, onClick, testId, variant = 'primary', disabled, disabledReason }: ChargedButtonProps) {
  const cooldown = useAppState((s) => s.cooldown);
  const reason = cooldown ? 'Generating is paused until the hourly limit resets.' : disabled ? disabledReason : undefined;
  const unavailable = busy || cooldown !== null || !!disabled;
  const reasonId = `${testId}-reason`;
  return (
    <span class="charged">
      <button
        type="button"
        class={`button ${variant === 'primary' ? 'primary' : ''}`}
        aria-disabled={unavailable ? 'true' : undefined}
        aria-busy={busy}
        aria-describedby={reason ? reasonId : undefined}
        onClick={() => {
          if (!unavailable) onClick();
        }}
        data-testid={testId}
      >
        {busy && <span class="spinner small" aria-hidden="true" />}
        {busy ? busyLabel ?? 'Generating…' : label}
        <span class="cost"> · {creditsText(cost)}</span>
      </button>
      {reason && !busy && (
        <span id={reasonId} class="button-reason" data-testid={`${testId}-reason`}>
          {reason}
        </span>
      )}
    </span>
  );
}

/** Generate the section's first variants, at the feature's cost. */
export function GenerateButton<F extends FeatureId>({
  g,
  label,
  onClick,
  testId,
  disabled,
  disabledReason,
}: {
  g: GenerationState<F>;
  label: string;
  onClick: () => void;
  testId: string;
  disabled?: boolean;
  disabledReason?: string;
}) {
  return (
    <ChargedButton label={label} cost={g.cost} busy={g.busy === 'generate'} onClick={onClick} testId={testId} disabled={disabled} disabledReason={disabledReason} />
  );
}

/** Regenerate the section's generation (charged again), right-aligned under its variants. */
export function RegenerateButton<F extends FeatureId>({ g, testId }: { g: GenerationState<F>; testId: string }) {
  if (!g.generation) return null;
  return (
    <div class="row end">
      <ChargedButton
        label="Regenerate"
        variant="secondary"
        cost={g.generation.creditsCharged || g.cost}
        busy={g.busy === 'regenerate'}
        onClick={() => g.regenerate()}
        testId={testId}
      />
    </div>
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
  /** Opens the variant in the editor, to change it before it is kept (`<testId>-edit`). */
  onEdit?: () => void;
}

export function VariantCard({ index, selected, onSelect, busy, testId, children, selectLabel = 'Select', heading, onEdit }: VariantCardProps) {
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
        {onEdit && (
          <button type="button" class="button ghost" disabled={busy} onClick={onEdit} aria-label={`Edit ${title.toLowerCase()}`} data-testid={`${testId}-edit`}>
            Edit
          </button>
        )}
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

interface VariantCardsProps<F extends FeatureId> {
  g: GenerationState<F>;
  /** Each card is `<testId>-<index>`, its Select button `<testId>-<index>-select`. */
  testId: string;
  heading?: (v: VariantByFeature[F]) => string;
  selectLabel?: string;
  children: (v: VariantByFeature[F]) => ComponentChildren;
  /** Each card gets an Edit button that hands its variant to this. */
  onEdit?: (v: VariantByFeature[F]) => void;
}

/** The section's variants, each selectable; the free plan's locked teasers in their place. */
export function VariantCards<F extends FeatureId>({ g, testId, heading, selectLabel, children, onEdit }: VariantCardsProps<F>) {
  const gen = g.generation;
  if (!gen) return null;
  return (
    <>
      {gen.variants.map((v) =>
        v.locked ? (
          <LockedVariant key={v.index} index={v.index} feature={gen.feature} />
        ) : (
          <VariantCard
            key={v.index}
            index={v.index}
            heading={heading?.(v)}
            selectLabel={selectLabel}
            selected={gen.selectedIndex === v.index}
            busy={g.busy !== null}
            onSelect={() => g.select(v.index)}
            onEdit={onEdit && (() => onEdit(v))}
            testId={`${testId}-${v.index}`}
          >
            {children(v)}
          </VariantCard>
        ),
      )}
    </>
  );
}

/**
 * A generation's variants side by side, then the button that regenerates them: cards
 * `variant-<name>-<index>`, button `regenerate-<name>`. `live` announces new variants to screen readers.
 */
export function GeneratedVariants<F extends FeatureId>({ g, name, live, ...cards }: Omit<VariantCardsProps<F>, 'testId'> & { name: string; live?: boolean }) {
  if (!g.generation) return null;
  return (
    <>
      <div class="variants" aria-live={live ? 'polite' : undefined}>
        <VariantCards g={g} testId={`variant-${name}`} {...cards} />
      </div>
      <RegenerateButton g={g} testId={`regenerate-${name}`} />
    </>
  );
}

/**
 * The teaser of a plan without all variants: no text exists for it, so blurred placeholder lines stand
 * in; which plans unlock it and how many options they give come from the catalog.
 */
export function LockedVariant({ index, feature, testId = 'variant-locked' }: { index: number; feature: FeatureId; testId?: string }) {
  const catalog = useCatalog();
  const { variants } = featureOf(catalog, feature);
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
        <p>
          Option {index + 1} comes with {plansGivingAll(catalog, feature)}.
        </p>
        <button
          type="button"
          class="button primary"
          onClick={() => openModal({ kind: 'upgrade', reason: `Upgrade to choose from ${variants} options on every generation.` })}
          data-testid="locked-upgrade"
        >
          Upgrade to unlock
        </button>
      </div>
    </article>
  );
}

/** A paid feature shown to a free merchant: what it does and the way to unlock it. */
export function UpgradePrompt({ feature, text, testId }: { feature: FeatureId; text: string; testId: string }) {
  const catalog = useCatalog();
  const { label } = featureOf(catalog, feature);
  const plans = joinNames(plansWith(catalog, feature).map((p) => p.label));
  return (
    <div class="upgrade-prompt" data-testid={testId}>
      <div>
        <strong>{label}</strong>
        <p class="muted">{text}</p>
      </div>
      <button type="button" class="button primary" onClick={() => openModal({ kind: 'upgrade', reason: `${label} come with the ${plans} plans.` })} data-testid={`${testId}-button`}>
        Upgrade to unlock
      </button>
    </div>
  );
}
