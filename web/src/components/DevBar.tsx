/**
 * Local mode only: pick an account, switch its plan (the signed subscription webhook), shift the
 * service clock. Each behaviour of the page can then be shown in a minute.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { changePlanLocally, refreshCredits, setClockOffset, switchAccount } from '../actions.ts';
import { useAction } from '../hooks.ts';
import { getState, useAppState } from '../store.ts';
import type { PlanId } from '../types.ts';

const PRESETS = ['acct_demo', 'acct_free_shop', 'acct_plus_shop', 'acct_pro_shop'];
const HOUR = 3600;
const DAY = 24 * HOUR;

function describeOffset(seconds: number): string {
  if (!seconds) return 'real time';
  const d = Math.floor(seconds / DAY);
  const h = Math.floor((seconds % DAY) / HOUR);
  return `+${d ? `${d}d` : ''}${d && h ? ' ' : ''}${h ? `${h}h` : ''}` || `+${seconds}s`;
}

export function DevBar() {
  const accountId = useAppState((s) => s.accountId);
  const plan = useAppState((s) => s.credits?.plan);
  const offset = useAppState((s) => s.clockOffset);
  // The plans to switch between are the catalog's (none until it is loaded).
  const plans = useAppState((s) => s.catalog?.plans ?? []);
  const [account, setAccount] = useState(accountId);
  // The select shows the plan the account is on (none before the balance is read); picking another and applying switches it.
  const [nextPlan, setNextPlan] = useState<PlanId | undefined>(plan);
  const [busy, setBusy] = useState(false);
  // Folded by default on phones, where it would push the page below the fold.
  const [open, setOpen] = useState(() => !window.matchMedia('(max-width: 640px)').matches);

  useEffect(() => setAccount(accountId), [accountId]);
  useEffect(() => {
    if (plan) setNextPlan(plan);
  }, [plan]);

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="devbar" aria-label="Local developer tools" data-testid="dev-bar">
      <div class="devbar-inner">
        <button type="button" class="devbar-toggle" aria-expanded={open} aria-controls="devbar-controls" onClick={() => setOpen(!open)}>
          <span class="devbar-badge">LOCAL</span>
          <span class="visually-hidden">developer tools</span>
        </button>
        {open && (
          <div id="devbar-controls" class="devbar-controls">
            <form
              class="devbar-group"
              onSubmit={(e) => {
                e.preventDefault();
                void run(() => switchAccount(account));
              }}
            >
              <label for="dev-account">Account</label>
              <input
                id="dev-account"
                list="dev-account-presets"
                value={account}
                onInput={(e) => setAccount(e.currentTarget.value)}
                maxLength={100}
                spellcheck={false}
                autoComplete="off"
                data-testid="dev-account-input"
              />
              <datalist id="dev-account-presets">
                {PRESETS.map((p) => (
                  <option key={p} value={p} />
                ))}
              </datalist>
              <button type="submit" class="button small" disabled={busy || !account.trim() || account.trim() === accountId} data-testid="dev-account-apply">
                Use
              </button>
              <select
                aria-label="Account presets"
                value=""
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  if (v) {
                    setAccount(v);
                    void run(() => switchAccount(v));
                  }
                }}
                data-testid="dev-account-preset"
              >
                <option value="">Presets…</option>
                {PRESETS.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </form>
            <form
              class="devbar-group"
              onSubmit={(e) => {
                e.preventDefault();
                if (nextPlan) void run(() => changePlanLocally(nextPlan));
              }}
            >
              <label for="dev-plan">Plan</label>
              <select id="dev-plan" value={nextPlan ?? ''} onChange={(e) => setNextPlan(e.currentTarget.value as PlanId)} data-testid="dev-plan-select">
                {plans.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}
                  </option>
                ))}
              </select>
              <button type="submit" class="button small" disabled={busy || !nextPlan || nextPlan === plan} data-testid="dev-plan-apply">
                Apply plan
              </button>
            </form>
            <div class="devbar-group" role="group" aria-labelledby="dev-clock-label">
              <span id="dev-clock-label">Clock</span>
              <span class="devbar-value" data-testid="dev-clock-offset">
                {describeOffset(offset)}
              </span>
              <button type="button" class="button small" disabled={busy} onClick={() => run(() => setClockOffset(offset + HOUR))} data-testid="dev-clock-1h">
                +1h
              </button>
              <button type="button" class="button small" disabled={busy} onClick={() => run(() => setClockOffset(offset + DAY))} data-testid="dev-clock-1d">
                +1 day
              </button>
              <button type="button" class="button small" disabled={busy} onClick={() => run(() => setClockOffset(offset + 31 * DAY))} data-testid="dev-clock-31d">
                +31 days
              </button>
              <button type="button" class="button small ghost" disabled={busy || offset === 0} onClick={() => run(() => setClockOffset(0))} data-testid="dev-clock-reset">
                Reset
              </button>
            </div>
            <AutoTopUpSimulator />
          </div>
        )}
      </div>
    </section>
  );
}

/**
 * The billing system's side of an auto top-up: the service requested it for the saved card (the GET's
 * `pending`); Pay or Fail answers it through the local billing simulator (the signed `topup.paid` /
 * `topup.failed` webhook), as the card processor would.
 */
function AutoTopUpSimulator() {
  const accountId = useAppState((s) => s.accountId);
  const available = useAppState((s) => s.credits?.credits.available);
  const paid = useAppState((s) => s.credits?.topUpAvailable ?? false);
  const [pending, setPending] = useState<{ topUpId: string; packId: string } | null>(null);
  const { busy, run: runSettle } = useAction('The billing simulator failed');
  const packs = useAppState((s) => s.catalog?.packs ?? []);

  const look = () =>
    api
      .autoTopUp()
      .then((s) => setPending(s.pending ?? null))
      .catch(() => setPending(null));
  useEffect(() => {
    if (paid) void look();
    else setPending(null);
  }, [available, paid, accountId]);

  if (!pending) return null;
  const credits = packs.find((p) => p.id === pending.packId)?.credits;
  const settle = (what: 'pay' | 'fail') =>
    runSettle(async () => {
      const res = await fetch(`${getState().config.apiBaseUrl}/local/top-ups/${encodeURIComponent(accountId)}/${encodeURIComponent(pending.topUpId)}/${what}`, {
        method: 'POST',
        headers: { accept: 'application/json' },
      });
      if (!res.ok) throw new Error(`The billing simulator answered ${res.status}.`);
      await refreshCredits();
      await look();
    });
  return (
    <div class="devbar-group" role="group" aria-labelledby="dev-auto-label" data-testid="dev-auto-top-up" data-id={pending.topUpId}>
      <span id="dev-auto-label">Auto top-up{credits ? ` of ${credits} credits` : ''} on the card:</span>
      <button type="button" class="button small" disabled={busy} onClick={() => void settle('pay')} data-testid="dev-auto-top-up-pay">
        Pay
      </button>
      <button type="button" class="button small ghost" disabled={busy} onClick={() => void settle('fail')} data-testid="dev-auto-top-up-fail">
        Fail
      </button>
    </div>
  );
}
