/**
 * Lasting states, inline at the top of the page (in the flow, so they cover nothing): the cooldown
 * with its live countdown, the warning when few generations are left this hour, and a top-up waiting
 * for its payment. The first two can be closed (the generate buttons keep saying why they wait); the
 * top-up one offers the checkout again or to stop waiting.
 */
import { useEffect } from 'preact/hooks';
import { endCooldown } from '../actions.ts';
import { formatCountdown } from '../format.ts';
import { dismissNotice, setState, useAppState } from '../store.ts';
import { useNow } from './Toasts.tsx';
import { PendingTopUpActions } from './TopUpModal.tsx';

/** At this many generations left in the hour the page warns before the cooldown starts. */
export const ATTEMPTS_WARNING_AT = 2;

function CloseButton({ label, onClick, testId }: { label: string; onClick: () => void; testId: string }) {
  return (
    <button type="button" class="icon-button" aria-label={label} onClick={onClick} data-testid={testId}>
      <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
        <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
      </svg>
    </button>
  );
}

function CooldownBanner() {
  const cooldown = useAppState((s) => s.cooldown);
  const now = useNow();
  const left = cooldown ? cooldown.untilMs - now : 0;
  useEffect(() => {
    if (cooldown && left <= 0) endCooldown();
  }, [cooldown, left <= 0]);
  if (!cooldown || left <= 0 || cooldown.dismissed) return null;
  const until = new Date(cooldown.untilMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return (
    <div class="banner banner-warning" role="status" data-testid="toast-cooldown">
      <div class="banner-text">
        <strong>Generation paused</strong>
        <p data-testid="cooldown-message">{cooldown.message}</p>
        <p class="cooldown-line">
          Available again in{' '}
          <span class="countdown" data-testid="cooldown-countdown" aria-live="off">
            {formatCountdown(left)}
          </span>
          <span class="muted"> · at {until}</span>
        </p>
      </div>
      <CloseButton
        label="Close the cooldown notice"
        testId="cooldown-dismiss"
        onClick={() => setState((s) => (s.cooldown ? { cooldown: { ...s.cooldown, dismissed: true } } : {}))}
      />
    </div>
  );
}

function AttemptsBanner() {
  const attempts = useAppState((s) => s.attempts);
  const cooling = useAppState((s) => s.cooldown !== null);
  const windowResetAt = useAppState((s) => s.credits?.rateLimit?.windowResetAt ?? '');
  const dismissed = useAppState((s) => s.dismissed);
  if (!attempts || cooling || attempts.remaining <= 0 || attempts.remaining > ATTEMPTS_WARNING_AT) return null;
  // One warning per rate window and count: closing "2 left" still lets "1 left" show.
  const key = `attempts:${windowResetAt}:${attempts.remaining}`;
  if (dismissed.includes(key)) return null;
  const n = attempts.remaining;
  return (
    <div class="banner banner-warning" role="status" data-testid="attempts-warning">
      <div class="banner-text">
        <strong>
          {n} generation{n === 1 ? '' : 's'} left this hour
        </strong>
        <p>After {n === 1 ? 'it' : 'them'}, generating pauses for a while (at most {attempts.limit} an hour).</p>
      </div>
      <CloseButton label="Close the warning" testId="attempts-warning-dismiss" onClick={() => dismissNotice(key)} />
    </div>
  );
}

/** A checkout started and not yet paid: shown whenever its dialog is closed, until the payment lands. */
function PendingTopUpBanner() {
  const pending = useAppState((s) => s.pendingTopUp);
  const dialogOpen = useAppState((s) => s.modal?.kind === 'topup');
  if (!pending || dialogOpen) return null;
  return (
    <div class="banner banner-info" role="status" data-testid="topup-pending-banner">
      <div class="banner-text">
        <strong>Waiting for your payment</strong>
        <p>Your {pending.credits} credits appear here as soon as the checkout is paid.</p>
        <PendingTopUpActions checkoutUrl={pending.checkoutUrl} openTestId="topup-pending-open" forgetTestId="topup-pending-forget" small />
      </div>
    </div>
  );
}

export function Banners() {
  return (
    <div class="banners">
      <PendingTopUpBanner />
      <CooldownBanner />
      <AttemptsBanner />
    </div>
  );
}
