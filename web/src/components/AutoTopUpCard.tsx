/**
 * Settings › Auto top-up (`GET`/`PUT /v1/credits/auto-top-up`, paid plans): when the balance falls
 * below the threshold the service creates one top-up of the chosen pack for the billing system to
 * charge the saved card, at most the monthly limit a calendar month. The GET's state says what it did:
 * the last automatic top-ups, the count this month, why it was turned off. A free merchant sees the way
 * to a paid plan instead.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useCatalog } from '../catalog.ts';
import { formatDateTime, formatPrice, plural } from '../format.ts';
import { useAction } from '../hooks.ts';
import { openModal, pushToast, useAppState } from '../store.ts';
import type { AutoTopUp, AutoTopUpAttempt, TopUpPack } from '../types.ts';
import { CardHead } from './CardHead.tsx';

/** The contract's ranges (API.md, Auto top-up). */
const THRESHOLD = { min: 1, max: 10000 };
const LIMIT = { min: 1, max: 10 };
const ATTEMPTS_SHOWN = 5;

const STATUS_WORDS: Record<AutoTopUpAttempt['status'], string> = { pending: 'Waiting for the card payment', paid: 'Paid', failed: 'Payment failed' };

/** "50 credits · $5.00". */
const packName = (p: TopUpPack) => `${plural(p.credits, 'credit')} · ${formatPrice(p.price)}`;

const DISABLED_WHY: Record<string, string> = {
  failures: 'It was turned off after three card payments failed in a row. Check the card, then turn it on again.',
  downgrade: 'It was turned off when the plan changed to free.',
};

/** A labelled whole-number input within a range (its text kept as typed; the card checks it). */
function WholeNumberField(p: { id: string; label: string; range: { min: number; max: number }; value: string; onInput: (v: string) => void; hint?: string; testId: string }) {
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <input
        id={p.id}
        type="number"
        inputMode="numeric"
        min={p.range.min}
        max={p.range.max}
        step={1}
        value={p.value}
        onInput={(e) => p.onInput(e.currentTarget.value)}
        aria-describedby={p.hint ? `${p.id}-hint` : undefined}
        data-testid={p.testId}
      />
      {p.hint && (
        <span id={`${p.id}-hint`} class="hint">
          {p.hint}
        </span>
      )}
    </div>
  );
}

interface Form {
  enabled: boolean;
  packId: string;
  threshold: string;
  limit: string;
}

export function AutoTopUpCard({ paid, available }: { paid: boolean; available: number }) {
  const { packs } = useCatalog();
  const session = useAppState((s) => s.session);
  const [setting, setSetting] = useState<AutoTopUp | null>(null);
  const [form, setForm] = useState<Form>({ enabled: false, packId: packs[0]?.id ?? '', threshold: '10', limit: '3' });
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, run } = useAction('Could not save the auto top-up');

  // The merchant's unsaved changes are not overwritten by a read that follows the balance.
  // A ref, not state: the read in flight must see edits made after it started.
  const edited = useRef(false);
  const apply = (s: AutoTopUp) => {
    setSetting(s);
    edited.current = false;
    setForm((f) => ({
      enabled: s.enabled,
      packId: s.packId ?? f.packId,
      threshold: s.thresholdCredits !== undefined ? String(s.thresholdCredits) : f.threshold,
      limit: s.monthlyLimit !== undefined ? String(s.monthlyLimit) : f.limit,
    }));
  };

  // Read again when the balance moves: a charge may have requested a top-up, a payment settled one.
  useEffect(() => {
    if (!paid) return;
    api
      .autoTopUp()
      .then((s) => {
        if (edited.current) setSetting(s);
        else apply(s);
        setLoadError(null);
      })
      // In the card: the rest of Settings works without it.
      .catch((err) => setLoadError(err instanceof Error ? err.message : String(err)));
  }, [paid, session, available]);

  if (!paid) {
    return (
      <section class="card" aria-labelledby="auto-title" data-testid="auto-top-up">
        <CardHead id="auto-title" title="Auto top-up" note="Buy credits automatically when your balance runs low, so generating never stops." />
        <div class="upgrade-prompt" data-testid="auto-top-up-free">
          <p class="muted">Auto top-up comes with the paid plans, which can buy credits.</p>
          <button type="button" class="button primary" onClick={() => openModal({ kind: 'upgrade', reason: 'Auto top-up comes with the paid plans.' })} data-testid="auto-top-up-upgrade">
            Upgrade
          </button>
        </div>
      </section>
    );
  }

  const change = (patch: Partial<Form>) => {
    setForm({ ...form, ...patch });
    edited.current = true;
  };
  const threshold = Number(form.threshold);
  const limit = Number(form.limit);
  const problem =
    !Number.isInteger(threshold) || threshold < THRESHOLD.min || threshold > THRESHOLD.max
      ? `The threshold is a whole number of credits from ${THRESHOLD.min} to ${THRESHOLD.max.toLocaleString()}.`
      : !Number.isInteger(limit) || limit < LIMIT.min || limit > LIMIT.max
        ? `The monthly limit is from ${LIMIT.min} to ${LIMIT.max} top-ups.`
        : !packs.some((p) => p.id === form.packId)
          ? 'Choose a pack.'
          : null;
  const pack = packs.find((p) => p.id === form.packId);
  const attempts = setting ? (setting.lastAttempts ?? []).slice(0, ATTEMPTS_SHOWN) : null;

  const save = async (e: Event) => {
    e.preventDefault();
    if (problem) return;
    const saved = await run(() => api.saveAutoTopUp({ enabled: form.enabled, packId: form.packId, thresholdCredits: threshold, monthlyLimit: limit }));
    if (!saved) return;
    apply(saved);
    pushToast({
      kind: 'success',
      title: saved.enabled ? 'Auto top-up on' : 'Auto top-up off',
      message: saved.enabled ? `Below ${plural(threshold, 'credit')}, ${pack ? packName(pack) : 'the pack'} is bought with your saved card, at most ${plural(limit, 'time')} a month.` : undefined,
      ttlMs: 5000,
    });
  };

  return (
    <section class="card" aria-labelledby="auto-title" data-testid="auto-top-up">
      <CardHead id="auto-title" title="Auto top-up" note="Buy credits automatically with your saved card when your balance runs low." />
      {loadError && (
        <p class="field-error" data-testid="auto-top-up-error">
          The auto top-up setting could not be read: {loadError}
        </p>
      )}
      <p data-testid="auto-top-up-status" data-enabled={String(setting?.enabled ?? false)}>
        {setting?.enabled ? (
          <span class="badge success">On</span>
        ) : (
          <span class="badge">Off</span>
        )}{' '}
        {setting?.enabled && setting.thresholdCredits !== undefined
          ? `Below ${plural(setting.thresholdCredits, 'credit')}, one top-up at a time, at most ${plural(setting.monthlyLimit ?? 0, 'time')} a month.`
          : 'No credits are bought automatically.'}
      </p>
      {setting?.enabled && setting.countThisMonth !== undefined && (
        <p class="muted" data-testid="auto-top-up-month" data-count={setting.countThisMonth}>
          {setting.countThisMonth} of {setting.monthlyLimit ?? '—'} this month
          {setting.pending ? ' · one is waiting for the card payment' : ''}
          {setting.consecutiveFailures ? ` · ${plural(setting.consecutiveFailures, 'failed payment')} in a row` : ''}
        </p>
      )}
      {!setting?.enabled && setting?.disabledReason && (
        <p class="field-error" data-testid="auto-top-up-disabled" data-reason={setting.disabledReason}>
          {DISABLED_WHY[setting.disabledReason] ?? 'The service turned it off.'}
        </p>
      )}
      <form class="form-grid" onSubmit={save} data-testid="auto-top-up-form">
        <div class="field span-2 checkbox-field">
          <input id="auto-enabled" type="checkbox" checked={form.enabled} onChange={(e) => change({ enabled: e.currentTarget.checked })} data-testid="auto-top-up-enabled" />
          <label for="auto-enabled">Top up automatically</label>
        </div>
        <WholeNumberField id="auto-threshold" label="When credits fall below" range={THRESHOLD} value={form.threshold} onInput={(threshold) => change({ threshold })} testId="auto-top-up-threshold" />
        <div class="field">
          <label for="auto-pack">Buy</label>
          <select id="auto-pack" value={form.packId} onChange={(e) => change({ packId: e.currentTarget.value })} data-testid="auto-top-up-pack">
            {packs.map((p) => (
              <option key={p.id} value={p.id}>
                {packName(p)}
              </option>
            ))}
          </select>
        </div>
        <WholeNumberField
          id="auto-limit"
          label="At most, per month"
          range={LIMIT}
          value={form.limit}
          onInput={(limit) => change({ limit })}
          hint={`Top-ups a calendar month (UTC), ${LIMIT.min}–${LIMIT.max}.`}
          testId="auto-top-up-limit"
        />
        <div class="span-2 row wrap">
          <button type="submit" class="button primary" aria-disabled={problem || busy ? 'true' : undefined} aria-busy={busy} aria-describedby={problem ? 'auto-problem' : undefined} data-testid="auto-top-up-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
        {problem && (
          <p id="auto-problem" class="field-error span-2" data-testid="auto-top-up-problem">
            {problem}
          </p>
        )}
      </form>
      <h3 class="subhead">Last automatic top-ups</h3>
      {setting === null && !loadError && <p class="muted">Loading…</p>}
      {attempts?.length === 0 && <p class="muted">None yet.</p>}
      {attempts && attempts.length > 0 && (
        <ul class="auto-attempts" role="list" data-testid="auto-top-up-attempts">
          {attempts.map((t) => (
            <li key={t.id} data-testid="auto-top-up-attempt" data-status={t.status} data-id={t.id}>
              <span>{formatDateTime(t.createdAt)}</span>
              <span>{plural(t.credits, 'credit')}</span>
              <span class={t.status === 'failed' ? 'field-error' : 'muted'}>{STATUS_WORDS[t.status]}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
