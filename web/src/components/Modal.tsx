/**
 * An accessible dialog: labelled by its heading, focus moved in and trapped while open,
 * Esc and the backdrop close it, focus returns to what opened it. The page behind is `inert`.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * The control the merchant last used. A dialog opened after a request (a refused generation) finds
 * focus on the body if the button was disabled meanwhile; this is where focus goes back to then.
 */
let lastUsed: HTMLElement | null = null;
const remember = (e: Event) => {
  const el = (e.target as Element | null)?.closest?.<HTMLElement>('button, a[href], input, select, textarea, [tabindex]');
  if (el && !el.closest('[role="dialog"]')) lastUsed = el;
};
document.addEventListener('focusin', remember, true);
document.addEventListener('pointerdown', remember, true);

/** The test id of the control the merchant last used outside a dialog (what a dialog goes back to). */
export function lastUsedTestId(): string | null {
  return lastUsed?.getAttribute('data-testid') ?? null;
}

/** Focus back on what opened the dialog, once it can take focus again (a busy button comes back). */
function restoreFocus(el: HTMLElement | null): void {
  if (!el) return;
  let frames = 0;
  const attempt = () => {
    if (!document.contains(el)) return;
    el.focus();
    if (document.activeElement !== el && ++frames < 30) requestAnimationFrame(attempt);
  };
  attempt();
}

interface Props {
  title: string;
  onClose: () => void;
  testId: string;
  children: ComponentChildren;
  /** Shown under the title. */
  description?: ComponentChildren;
  /** A panel along the right edge (a history beside the page) instead of a centred dialog. */
  drawer?: boolean;
}

export function Modal({ title, onClose, testId, children, description, drawer }: Props) {
  const dialog = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const active = document.activeElement as HTMLElement | null;
    const opener = active && active !== document.body ? active : lastUsed;
    // The opener may be re-rendered as a new node while the dialog is open (a balance poll): find it again by its test id.
    const openerTestId = opener?.getAttribute('data-testid');
    const shell = document.getElementById('app-shell');
    shell?.setAttribute('inert', '');
    const first = dialog.current?.querySelector<HTMLElement>('[data-autofocus]') ?? dialog.current?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? dialog.current)?.focus();

    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onCloseRef.current();
        return;
      }
      if (e.key !== 'Tab' || !dialog.current) return;
      const items = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
      if (items.length === 0) {
        e.preventDefault();
        return;
      }
      const firstEl = items[0];
      const lastEl = items[items.length - 1];
      const active = document.activeElement;
      if (e.shiftKey && (active === firstEl || !dialog.current.contains(active))) {
        e.preventDefault();
        lastEl.focus();
      } else if (!e.shiftKey && (active === lastEl || !dialog.current.contains(active))) {
        e.preventDefault();
        firstEl.focus();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      shell?.removeAttribute('inert');
      const back = opener && document.contains(opener) ? opener : openerTestId ? document.querySelector<HTMLElement>(`[data-testid="${openerTestId}"]`) : null;
      restoreFocus(back);
    };
  }, []);

  const titleId = `${testId}-title`;
  const descId = `${testId}-desc`;
  return (
    <div class={`modal-backdrop${drawer ? ' drawer-backdrop' : ''}`} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialog}
        class={`modal${drawer ? ' drawer' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
        tabIndex={-1}
        data-testid={testId}
      >
        <header class="modal-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={onClose} data-testid={`${testId}-close`}>
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
          </button>
        </header>
        {description && (
          <p id={descId} class="modal-description">
            {description}
          </p>
        )}
        <div class="modal-body">{children}</div>
      </div>
    </div>
  );
}
