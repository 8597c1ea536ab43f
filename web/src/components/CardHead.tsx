/** The head of a card: its title (with a "Paid plans" badge for a paid feature), a line under it, actions beside. */
import type { ComponentChildren } from 'preact';

interface CardHeadProps {
  /** The title's id, which the card names as its `aria-labelledby`. */
  id: string;
  title: ComponentChildren;
  paid?: boolean;
  note: ComponentChildren;
  children?: ComponentChildren;
}

export function CardHead({ id, title, paid, note, children }: CardHeadProps) {
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
