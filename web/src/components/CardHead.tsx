/**
 * The head of a card: its title (with a "Paid plans" badge when the catalog leaves its feature out of
 * some plan), a line under it, actions beside.
 */
import type { ComponentChildren } from 'preact';
import { notOnEveryPlan, useCatalog } from '../catalog.ts';
import type { FeatureId } from '../types.ts';

interface CardHeadProps {
  /** The title's id, which the card names as its `aria-labelledby`. */
  id: string;
  title: ComponentChildren;
  /** The feature the card generates, if any. */
  feature?: FeatureId;
  note: ComponentChildren;
  children?: ComponentChildren;
}

export function CardHead({ id, title, feature, note, children }: CardHeadProps) {
  const catalog = useCatalog();
  const paid = feature !== undefined && notOnEveryPlan(catalog, feature);
  return (
    <div class="card-head">
      <div>
        <h2 id={id}>
          {title}
          {paid && (
            <>
              {' '}
              <span class="badge">Paid plans</span>
            </>
          )}
        </h2>
        <p class="muted">{note}</p>
      </div>
      {children}
    </div>
  );
}
