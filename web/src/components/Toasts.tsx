/** Toasts (a polite live region): passing events, each dismissible; errors stay until dismissed. */
import { useEffect, useState } from 'preact/hooks';
import { dismissToast, useAppState, type Toast } from '../store.ts';

function ToastItem({ toast }: { toast: Toast }) {
  useEffect(() => {
    const ttl = toast.ttlMs ?? (toast.kind === 'error' ? 0 : 6000);
    if (!ttl) return;
    const t = window.setTimeout(() => dismissToast(toast.id), ttl);
    return () => window.clearTimeout(t);
  }, [toast.id]);
  return (
    <div class={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${toast.kind}`}>
      <div class="toast-text">
        <strong class="toast-title">{toast.title}</strong>
        {toast.message && <p data-testid="toast-message">{toast.message}</p>}
      </div>
      <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => dismissToast(toast.id)} data-testid="toast-dismiss">
        <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
          <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
        </svg>
      </button>
    </div>
  );
}

/** Ticks every second (countdowns). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(t);
  }, [intervalMs]);
  return now;
}

export function Toasts() {
  const toasts = useAppState((s) => s.toasts);
  return (
    <div class="toasts" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
