/**
 * A generated text the merchant edits before it is saved, as Shopify Magic offers it: Keep saves it (as
 * the AI's option when it was not changed, else as a manual edit), Try again regenerates (charged), Undo
 * goes back one version — to the option before the edits, the options before Try again, and at last
 * to the saved value (the editor closes).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ChargedButton, type GenerationState } from './generation.tsx';
import { variantAfterRetry, type DraftEntry } from '../draft.ts';
import type { FeatureId, VariantByFeature } from '../types.ts';

export type { DraftEntry, DraftOrigin } from '../draft.ts';

/** The versions of one draft, oldest first; empty: no draft, the field shows its saved value. */
export function useDraft<V>() {
  const [stack, setStack] = useState<Array<DraftEntry<V>>>([]);
  const top = stack.length ? stack[stack.length - 1] : null;
  return {
    top,
    depth: stack.length,
    push: (entry: DraftEntry<V>) => setStack((s) => [...s, entry]),
    /** Typing: the first keystroke after an AI option makes a new version, the next ones change it. */
    edit: (value: V) =>
      setStack((s) => {
        const last = s[s.length - 1];
        if (!last) return s;
        return last.origin ? [...s, { value, origin: null }] : [...s.slice(0, -1), { value, origin: null }];
      }),
    undo: () => setStack((s) => s.slice(0, -1)),
    clear: () => setStack([]),
  };
}

export type Draft<V> = ReturnType<typeof useDraft<V>>;

interface EditorProps<F extends FeatureId, V> {
  /** Test ids: `<name>-draft`, `<name>-keep`, `<name>-try-again`, `<name>-undo`. */
  name: string;
  /** What is being edited, in words ("description", "meta tags"). */
  label: string;
  g: GenerationState<F>;
  draft: Draft<V>;
  /** Why it cannot be kept as it is (null: it can). */
  problem: string | null;
  keeping: boolean;
  onKeep: () => void;
  /** The new generation's value for the draft after Try again. */
  valueOf: (v: VariantByFeature[F]) => V;
  children: ComponentChildren;
}

export function DraftEditor<F extends FeatureId, V>({ name, label, g, draft, problem, keeping, onKeep, valueOf, children }: EditorProps<F, V>) {
  const [said, setSaid] = useState('');
  // One live region whether the editor is open or not, so "back to the saved …" is still read out.
  const status = (
    <p class="visually-hidden" role="status">
      {said}
    </p>
  );
  if (!draft.top) return status;
  const top = draft.top;
  const unchanged = top.origin !== null;
  const retry = async () => {
    const gen = await g.regenerate();
    const v = gen && variantAfterRetry(gen, top.origin?.index);
    if (!gen || !v) return;
    draft.push({ value: valueOf(v), origin: { generationId: gen.id, index: v.index } });
    setSaid(`New options are ready; option ${v.index + 1} is in the editor.`);
  };
  const undo = () => {
    draft.undo();
    setSaid(draft.depth > 1 ? 'Back to the previous version.' : `Back to the saved ${label}.`);
  };
  const keepReason = `${name}-keep-reason`;
  return (
    <>
    {status}
    <div class="draft" data-testid={`${name}-draft`} data-unchanged={String(unchanged)} role="group" aria-labelledby={`${name}-draft-title`}>
      <div class="draft-head">
        <h3 id={`${name}-draft-title`}>Your {label}, not saved yet</h3>
        <span class="badge" data-testid={`${name}-draft-state`}>
          {unchanged ? `AI option ${top.origin!.index + 1}` : 'Edited'}
        </span>
      </div>
      {children}
      <div class="row wrap draft-actions">
        <button
          type="button"
          class="button primary"
          aria-disabled={problem || keeping ? 'true' : undefined}
          aria-busy={keeping}
          aria-describedby={problem ? keepReason : undefined}
          onClick={() => !problem && !keeping && onKeep()}
          data-testid={`${name}-keep`}
        >
          {keeping ? 'Saving…' : 'Keep'}
        </button>
        {g.generation && (
          <ChargedButton
            label="Try again"
            variant="secondary"
            cost={g.generation.creditsCharged || g.cost}
            busy={g.busy === 'regenerate'}
            onClick={() => void retry()}
            testId={`${name}-try-again`}
          />
        )}
        <button type="button" class="button ghost" onClick={undo} aria-describedby={`${name}-undo-hint`} data-testid={`${name}-undo`}>
          Undo
        </button>
        <span id={`${name}-undo-hint`} class="hint">
          {draft.depth > 1 ? 'Undo goes back to the previous version.' : `Undo goes back to the saved ${label}.`}
        </span>
      </div>
      {problem && (
        <p id={keepReason} class="field-error" data-testid={`${name}-keep-reason`}>
          {problem}
        </p>
      )}
    </div>
    </>
  );
}
