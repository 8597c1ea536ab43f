/** Toasts (a polite live region) and the cooldown notice with its live countdown. */
import { useEffect, useState } from 'preact/hooks';
import { endCooldown } from '../actions.ts';
import { formatCountdown, formatDateTime } from '../format.ts';
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

/** Ticks every second; the cooldown ends (and generate buttons come back) when it reaches zero. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(t);
  }, [intervalMs]);
  return now;
}

function CooldownToast() {
  const cooldown = useAppState((s) => s.cooldown);
  const now = useNow();
  const left = cooldown ? cooldown.untilMs - now : 0;
  useEffect(() => {
    if (cooldown && left <= 0) endCooldown();
  }, [cooldown, left <= 0]);
  if (!cooldown || left <= 0) return null;
  return (
    <div class="toast toast-cooldown" role="status" data-testid="toast-cooldown">
      <div class="toast-text">
        <strong class="toast-title">Generation paused</strong>
        <p data-testid="cooldown-message">{cooldown.message}</p>
        <p class="cooldown-line">
          Available again in{' '}
          <span class="countdown" data-testid="cooldown-countdown" aria-live="off">
            {formatCountdown(left)}
          </span>
          <span class="muted"> · until {formatDateTime(new Date(cooldown.untilMs).toISOString())}</span>
        </p>
      </div>
    </div>
  );
}

export function Toasts() {
  const toasts = useAppState((s) => s.toasts);
  return (
    <div class="toasts" aria-live="polite" data-testid="toasts">
      <CooldownToast />
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
