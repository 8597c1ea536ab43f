/**
 * The page's shared state: one plain object, replaced on every change, with a hook to read a slice.
 * Small enough that a state library would weigh more than the state.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Catalog, ContentField, CreditsView, Generation, JobFeature, JobItemRequest, RuntimeConfig } from './types.ts';

export type ModalState =
  | { kind: 'upgrade'; reason: string }
  | { kind: 'topup'; reason?: string }
  /** A product field's versions, newest first, each restorable (the Edit product page's History). */
  | { kind: 'history'; productId: string; field: ContentField; label: string }
  /** "Generate for selected": the cost and the balance, before the job is created. */
  | { kind: 'job-confirm'; feature: JobFeature; items: JobItemRequest[]; skipExisting: boolean; autoSelect: boolean; skippedEstimate: number }
  | null;

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  title: string;
  message?: string;
  /** Auto-dismiss after this many ms; errors stay until dismissed. */
  ttlMs?: number;
}

export interface Cooldown {
  /** When generating is allowed again, on this browser's clock. */
  untilMs: number;
  /** The service's own timestamp, shown as is. */
  cooldownUntil: string;
  message: string;
  /** The merchant closed the banner; generate buttons still say why they wait. */
  dismissed?: boolean;
}

export interface PendingTopUp {
  id: string;
  credits: number;
  checkoutUrl: string;
  /** Purchased credits before paying: a rise past baseline + credits means the payment landed (null: unknown). */
  baselinePurchased: number | null;
  startedAt: number;
  /** The control that needed the credits (its test id): focused again once they land after a reload. */
  resumeTestId?: string;
}

export interface AppState {
  config: RuntimeConfig;
  accountId: string;
  /** `GET /v1/catalog`, read once at start: the pages render only once it is here (App). */
  catalog: Catalog | null;
  /** Why the catalog could not be read (null: it was, or is being read). */
  catalogError: string | null;
  /** Bumped when the account changes, so pages remount with fresh state. */
  session: number;
  credits: CreditsView | null;
  /** From the `RateLimit-*` headers of the last generation response. */
  attempts: { limit: number; remaining: number } | null;
  cooldown: Cooldown | null;
  modal: ModalState;
  toasts: Toast[];
  pendingTopUp: PendingTopUp | null;
  /** Local mode: the service clock offset this page last set (seconds). */
  clockOffset: number;
  /** Latest generation per page section, so drafts survive navigating away and back. */
  generations: Record<string, Generation>;
  /** Banners the merchant closed, by key (e.g. the attempts warning of one rate window). */
  dismissed: string[];
  /** Bumped when a product's content changed outside its page (a restore from the history): it reads it again. */
  contentChanged: number;
  /** The bulk job this page follows (kept per account in localStorage, so a reload follows it still). */
  activeJob: { id: string; feature: JobFeature } | null;
}

type Listener = () => void;

let state: AppState = {
  config: { mode: 'local', apiBaseUrl: '' },
  accountId: '',
  catalog: null,
  catalogError: null,
  session: 0,
  credits: null,
  attempts: null,
  cooldown: null,
  modal: null,
  toasts: [],
  pendingTopUp: null,
  clockOffset: 0,
  generations: {},
  dismissed: [],
  contentChanged: 0,
  activeJob: null,
};
const listeners = new Set<Listener>();

export function getState(): AppState {
  return state;
}

export function setState(patch: Partial<AppState> | ((s: AppState) => Partial<AppState>)): void {
  const next = typeof patch === 'function' ? patch(state) : patch;
  state = { ...state, ...next };
  for (const l of listeners) l();
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-renders the caller when the selected slice changes (compared with `Object.is`). */
export function useAppState<T>(select: (s: AppState) => T): T {
  const [value, setValue] = useState(() => select(state));
  useEffect(() => {
    const check = () => setValue(() => select(state));
    check();
    return subscribe(check);
    // The selector is expected to be stable in meaning; re-subscribing on every render is not needed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return value;
}

let toastSeq = 0;
export function pushToast(toast: Omit<Toast, 'id'>): number {
  const id = ++toastSeq;
  setState((s) => ({ toasts: [...s.toasts, { id, ...toast }] }));
  return id;
}

export function dismissToast(id: number): void {
  setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

export function openModal(modal: NonNullable<ModalState>): void {
  setState({ modal });
}

export function closeModal(): void {
  setState({ modal: null });
}

export function dismissNotice(key: string): void {
  setState((s) => (s.dismissed.includes(key) ? {} : { dismissed: [...s.dismissed, key] }));
}
