/**
 * A product section's past generations (`GET /v1/generations?productId=&feature=`): paid options are
 * kept by the service (unselected ones for the generation TTL), so a reload or another visit never
 * loses them. The newest comes back into the section by itself; any other can be shown again.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { reportError } from '../actions.ts';
import { credits as creditsText, formatDateTime } from '../format.ts';
import { useAction } from '../hooks.ts';
import { getState } from '../store.ts';
import type { FeatureId, Generation, GenerationSummary } from '../types.ts';
import type { GenerationState } from './generation.tsx';

const PAGE = 5;

interface Props<F extends FeatureId> {
  g: GenerationState<F>;
  productId: string;
  /** The section's short name: the list is `past-options-<name>`. */
  name: string;
  /** What one option is called in this section ("descriptions", "photos"). */
  noun: string;
}

/**
 * Reads the section's past generations, and brings the newest back when the section has none on show
 * (a reload): its options, its selection and its Regenerate come back as they were.
 */
export function PastOptions<F extends FeatureId>({ g, productId, name, noun }: Props<F>) {
  const [items, setItems] = useState<GenerationSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const { busy: loadingMore, run } = useAction('Could not load more past options');
  const { busy: showing, run: runShow } = useAction('Could not show that option');
  const current = g.generation?.id ?? null;

  const load = async (cursor: string | null) => {
    const page = await api.generations(productId, g.feature, PAGE, cursor);
    setItems((before) => (cursor ? [...(before ?? []), ...page.items] : page.items));
    setNext(page.nextCursor);
    return page.items;
  };

  useEffect(() => {
    let gone = false;
    load(null)
      .then(async (first) => {
        // After a reload the section is empty: the newest generation is what the merchant saw last.
        const onShow = () => getState().generations[g.key] !== undefined;
        if (gone || onShow() || !first[0]) return;
        const gen = await api.generation<F>(first[0].id);
        if (!gone && !onShow()) g.show(gen);
      })
      .catch((err) => {
        setItems([]);
        reportError(err, 'Could not load the past options');
      });
    return () => void (gone = true);
    // Read once per product; a new generation is added below without reading again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [productId]);

  // A generation made on this page goes to the top of the list.
  useEffect(() => {
    const gen = g.generation;
    if (!gen || !items || items.some((i) => i.id === gen.id)) return;
    setItems([summaryOf(gen as Generation), ...items]);
  }, [current, items]);

  // The selection shown in the list follows the section's.
  const selected = g.generation?.selectedIndex ?? null;
  useEffect(() => {
    if (!items || !current) return;
    setItems(items.map((i) => (i.id === current && i.selectedIndex !== selected ? { ...i, selectedIndex: selected } : i)));
  }, [selected]);

  if (!items || items.length < 2) return null;
  const show = (id: string) => runShow(async () => g.show(await api.generation<F>(id)));
  return (
    <details class="past-options" data-testid={`past-options-${name}`}>
      <summary>
        Past {noun} for this product <span class="muted">({items.length}{next ? '+' : ''})</span>
      </summary>
      <ul class="past-list">
        {items.map((i) => {
          const on = i.id === current;
          return (
            <li key={i.id} class={`past-item${on ? ' is-current' : ''}`} data-testid="past-option" data-generation-id={i.id} data-selected={i.selectedIndex !== null ? String(i.selectedIndex) : ''}>
              <span class="past-when">{formatDateTime(i.createdAt)}</span>
              <span class="muted">
                {i.regeneratedFrom ? 'Regenerated' : 'Generated'} · {creditsText(i.creditsCharged)}
                {i.selectedIndex !== null ? ` · option ${i.selectedIndex + 1} chosen` : ' · none chosen'}
              </span>
              {on ? (
                <span class="badge" aria-current="true">
                  On show
                </span>
              ) : (
                <button type="button" class="button small" disabled={showing} onClick={() => void show(i.id)} data-testid="past-option-show" aria-label={`Show the options of ${formatDateTime(i.createdAt)}`}>
                  Show
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {next && (
        <button type="button" class="button small ghost" disabled={loadingMore} onClick={() => void run(() => load(next))} data-testid="past-options-more">
          {loadingMore ? 'Loading…' : 'Show older'}
        </button>
      )}
    </details>
  );
}

function summaryOf(gen: Generation): GenerationSummary {
  return {
    id: gen.id,
    feature: gen.feature,
    productId: gen.productId ?? null,
    selectedIndex: gen.selectedIndex ?? null,
    regeneratedFrom: gen.regeneratedFrom ?? null,
    creditsCharged: gen.creditsCharged,
    createdAt: gen.createdAt,
  };
}
