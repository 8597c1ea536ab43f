/**
 * The top navigation: the AI Credits button (available count; plan, buckets and next refresh on
 * hover, focus or click) and, on paid plans, the Top Up button.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { planLabel } from '../catalog.ts';
import { formatDate } from '../format.ts';
import { ATTEMPTS_WARNING_AT } from './Banners.tsx';
import { CreditSources } from './CreditSources.tsx';
import { openModal, useAppState } from '../store.ts';

/**
 * The generations left this hour, always in view beside the credits (the hourly limit is the other
 * thing a generation spends): amber from ATTEMPTS_WARNING_AT left, red when none are left. On a
 * phone the words are read, not shown.
 */
function AttemptsLeft({ limit, remaining, cooling }: { limit: number; remaining: number; cooling: boolean }) {
  const left = cooling ? 0 : remaining;
  const level = left <= 0 ? ' is-out' : left <= ATTEMPTS_WARNING_AT ? ' is-low' : '';
  return (
    <span class={`attempts-chip${level}`} data-testid="attempts-left" data-remaining={left} data-limit={limit}>
      <svg viewBox="0 0 20 20" width="14" height="14" aria-hidden="true">
        <path d="M5 2h10M5 18h10M6 2c0 5 8 5 8 8s-8 3-8 8M14 2c0 5-8 5-8 8s8 3 8 8" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
      </svg>
      {/* In words where there is room; "2/10" on a phone, the words still read by assistive tech. */}
      <span class="attempts-long" data-testid="attempts-left-words">
        {left} of {limit} generation{limit === 1 ? '' : 's'} left this hour
      </span>
      <span class="attempts-short" aria-hidden="true">
        {left}/{limit}
      </span>
    </span>
  );
}

export function TopNav() {
  const credits = useAppState((s) => s.credits);
  const catalog = useAppState((s) => s.catalog);
  const attempts = useAppState((s) => s.attempts);
  const cooling = useAppState((s) => s.cooldown !== null);
  const pending = useAppState((s) => s.pendingTopUp);
  const [open, setOpen] = useState(false);
  const [pinned, setPinned] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const hoverTimer = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        setPinned(false);
      }
    };
    const onDown = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) {
        setOpen(false);
        setPinned(false);
      }
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onDown);
    };
  }, [open]);

  const hover = (on: boolean) => {
    window.clearTimeout(hoverTimer.current);
    if (pinned) return;
    hoverTimer.current = window.setTimeout(() => setOpen(on), on ? 80 : 200);
  };

  const c = credits?.credits;
  const used = c ? Math.max(0, c.allowance - c.allowanceRemaining) : 0;
  return (
    <header class="topnav">
      <div class="topnav-inner">
        <a class="brand" href="#/product">
          <span class="brand-mark" aria-hidden="true">◆</span>
          <span class="brand-name">Storefront</span>
          <span class="brand-sub">Admin</span>
        </a>
        <div class="topnav-actions">
          {attempts && <AttemptsLeft limit={attempts.limit} remaining={attempts.remaining} cooling={cooling} />}
          <div class="credits-wrap" ref={wrap} onMouseEnter={() => hover(true)} onMouseLeave={() => hover(false)}>
            <button
              type="button"
              class="credits-button"
              aria-expanded={open}
              aria-controls="credits-popover"
              data-testid="credits-button"
              onClick={() => {
                setPinned(!(open && pinned));
                setOpen(!(open && pinned));
              }}
            >
              <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" class="spark">
                <path d="M10 1.5l2.2 5.6 5.8 2.9-5.8 2.9L10 18.5l-2.2-5.6L2 10l5.8-2.9z" fill="currentColor" />
              </svg>
              <span class="credits-label">AI Credits</span>
              <span class="credits-count" data-testid="credits-count">
                {c ? c.available : '…'}
              </span>
              {/* Read as "AI Credits 25 available": the name keeps the words shown (WCAG 2.5.3, label in name). */}
              {c && <span class="visually-hidden"> available</span>}
              {pending && <span class="dot-pending" title="Top-up pending" aria-hidden="true" />}
            </button>
            {open && credits && c && (
              <div id="credits-popover" class="popover" role="region" aria-label="AI Credits details" data-testid="credits-popover">
                <div class="popover-row">
                  <span>Plan</span>
                  <strong data-testid="credits-plan">{planLabel(catalog, credits.plan)}</strong>
                </div>
                <div class="popover-row">
                  <span>Available</span>
                  <strong data-testid="credits-available">{c.available}</strong>
                </div>
                <div class="meter" role="meter" aria-valuemin={0} aria-valuemax={c.allowance} aria-valuenow={c.allowanceRemaining} aria-label="Allowance left">
                  <span style={{ width: `${c.allowance ? (100 * c.allowanceRemaining) / c.allowance : 0}%` }} />
                </div>
                <div class="popover-row small">
                  <span>Allowance left</span>
                  <span data-testid="credits-allowance-left">
                    {c.allowanceRemaining} of {c.allowance} ({used} used)
                  </span>
                </div>
                <div class="popover-row small">
                  <span>Purchased</span>
                  <span data-testid="credits-purchased">{c.purchased}</span>
                </div>
                {credits.sources.length > 0 && (
                  <>
                    <p class="popover-subhead">Used in this order</p>
                    <CreditSources sources={credits.sources} testId="credits-sources" compact />
                  </>
                )}
                <div class="popover-row small">
                  <span>Next refresh</span>
                  <span data-testid="credits-refresh-date">{formatDate(credits.period.end)}</span>
                </div>
                {attempts && (
                  <div class={`popover-row small${attempts.remaining <= ATTEMPTS_WARNING_AT ? ' warn' : ''}`}>
                    <span>Generations left this hour</span>
                    <span data-testid="credits-attempts">
                      {attempts.remaining} of {attempts.limit}
                    </span>
                  </div>
                )}
                <a class="popover-link" href="#/settings" onClick={() => setOpen(false)}>
                  Usage and history →
                </a>
              </div>
            )}
          </div>
          {credits?.topUpAvailable && (
            <button type="button" class="button primary small" data-testid="topup-button" onClick={() => openModal({ kind: 'topup' })}>
              Top Up
            </button>
          )}
        </div>
      </div>
    </header>
  );
}
