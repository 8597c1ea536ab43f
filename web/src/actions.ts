/**
 * What the page does in reaction to the API: refresh the balance, route each refusal to its
 * modal or toast, follow a pending top-up until the payment lands.
 */
import { ApiError, api, itemsOf, resetToken, setAvailable } from './api.ts';
import { currentCatalog, planLabel } from './catalog.ts';
import { plainMessage } from './format.ts';
import { getState, openModal, pushToast, setState } from './store.ts';
import type { CreditsView, FeatureId, Generation, PlanId } from './types.ts';

const ACCOUNT_KEY = 'aiCredits.accountId';
const CLOCK_KEY = 'aiCredits.clockOffset';
const TOPUP_KEY = 'aiCredits.pendingTopUp';
export const DEFAULT_ACCOUNT = 'acct_demo';

export function initialAccountId(): string {
  const fromQuery = new URL(location.href).searchParams.get('account');
  if (fromQuery) {
    localStorage.setItem(ACCOUNT_KEY, fromQuery);
    return fromQuery;
  }
  return localStorage.getItem(ACCOUNT_KEY) || DEFAULT_ACCOUNT;
}

/** Local mode: the service clock's offset as the stack reports it (it is not kept across restarts). */
export async function initialClockOffset(): Promise<number> {
  try {
    const res = await fetch(`${getState().config.apiBaseUrl}/local/clock`);
    if (res.ok) {
      const { offsetSeconds } = (await res.json()) as { offsetSeconds?: number };
      if (typeof offsetSeconds === 'number') return offsetSeconds;
    }
  } catch {
    // Older stacks have no GET /local/clock: fall back to what this page last set.
  }
  return Number(localStorage.getItem(CLOCK_KEY)) || 0;
}

let catalogLoad: Promise<void> | null = null;

/**
 * Reads the catalog into the store, once: it is the same for every account, so an account switch keeps
 * it. A failure is told (toast) and kept in the store for App's retry; the next call reads it again.
 */
export function loadCatalog(): Promise<void> {
  if (getState().catalog) return Promise.resolve();
  if (!catalogLoad && getState().catalogError) setState({ catalogError: null });
  catalogLoad ??= api
    .catalog()
    .then((catalog) => setState({ catalog, catalogError: null }))
    .catch((err) => {
      setState({ catalogError: err instanceof Error ? err.message : String(err) });
      reportError(err, 'Could not load the plans and prices');
    })
    .finally(() => {
      catalogLoad = null;
    });
  return catalogLoad;
}

export async function refreshCredits(): Promise<CreditsView | null> {
  try {
    const credits = await api.credits();
    applyCredits(credits);
    return credits;
  } catch (err) {
    reportError(err, 'Could not load your credits');
    return null;
  }
}

/**
 * Everything `GET /v1/credits` says, at once: the buckets (so the breakdown never lags the total),
 * the attempts left this hour (known before the first generation) and any cooldown.
 */
export function applyCredits(credits: CreditsView): void {
  const rate = credits.rateLimit;
  setState(rate ? { credits, attempts: { limit: rate.limit, remaining: rate.remaining } } : { credits });
  syncCooldown(credits);
}

/** The service clock may be shifted (local mode), so its timestamps are mapped by the known offset. */
function serviceToLocalMs(iso: string): number {
  return Date.parse(iso) - getState().clockOffset * 1000;
}

function syncCooldown(credits: CreditsView): void {
  const until = credits.rateLimit?.cooldownUntil;
  const current = getState().cooldown;
  if (!until) {
    if (current) setState({ cooldown: null });
    return;
  }
  const untilMs = serviceToLocalMs(until);
  if (untilMs <= Date.now()) {
    if (current) setState({ cooldown: null });
  } else if (!current || current.cooldownUntil !== until) {
    startCooldown(untilMs, until, "You've reached this hour's limit of AI generations.");
  }
}

function startCooldown(untilMs: number, cooldownUntil: string, message: string): void {
  setState({ cooldown: { untilMs, cooldownUntil, message } });
}

export function endCooldown(): void {
  setState({ cooldown: null });
}

/**
 * Turns a refused generation (or any failed call) into what the merchant sees:
 * 402 → upgrade or top-up modal, 403 plan → upgrade modal, 429 → cooldown toast, 502 → refund toast.
 */
export function reportError(err: unknown, title = 'Something went wrong'): void {
  if (!(err instanceof ApiError)) {
    // fetch() rejects with a TypeError ("Failed to fetch") when the service cannot be reached at all.
    const offline = err instanceof TypeError;
    pushToast({
      kind: 'error',
      title,
      message: offline ? 'The AI Credits service could not be reached. Check your connection and try again.' : err instanceof Error ? err.message : String(err),
    });
    return;
  }
  const e = err.body;
  switch (e.code) {
    case 'INSUFFICIENT_CREDITS':
      if (e.action === 'top_up') openModal({ kind: 'topup', reason: e.message });
      else openModal({ kind: 'upgrade', reason: e.message });
      return;
    case 'PLAN_UPGRADE_REQUIRED':
      openModal({ kind: 'upgrade', reason: e.message });
      return;
    case 'COOLDOWN_ACTIVE': {
      const retryAfter = e.retryAfterSeconds ?? Number(err.headers.get('Retry-After'));
      const untilMs = Number.isFinite(retryAfter) && retryAfter > 0
        ? Date.now() + retryAfter * 1000
        : serviceToLocalMs(e.cooldownUntil ?? new Date().toISOString());
      startCooldown(untilMs, e.cooldownUntil ?? new Date(untilMs).toISOString(), plainMessage(e.message, new Date(Date.now() + getState().clockOffset * 1000).toISOString()));
      return;
    }
    case 'GENERATION_FAILED': {
      const n = e.creditsRefunded ?? 0;
      pushToast({
        kind: 'error',
        title: n > 0 ? `Generation failed · ${n} credit${n === 1 ? '' : 's'} refunded` : 'Generation failed · no credits charged',
        message: e.message,
      });
      void refreshCredits();
      return;
    }
    case 'VALIDATION_FAILED': {
      // The issues' paths (`input.uploadId`) are for developers; the merchant reads the messages.
      const messages = [...new Set((e.issues ?? []).map((i) => i.message).filter(Boolean))];
      pushToast({ kind: 'error', title, message: messages.join(' ') || e.message });
      return;
    }
    default:
      pushToast({ kind: 'error', title, message: e.message });
  }
}

/**
 * Runs a charged call (generate or regenerate): updates the balance from its response and reports
 * any refusal. Resolves to the generation, or null when it was refused.
 */
export async function runGeneration<F extends FeatureId>(call: () => Promise<Generation<F>>): Promise<Generation<F> | null> {
  if (getState().cooldown) return null;
  try {
    const gen = await call();
    setAvailable(gen.credits.available);
    // The response carries the total only: read the buckets too, so no figure on the page lags.
    void refreshQuietly();
    return gen;
  } catch (err) {
    reportError(err, 'Generation failed');
    if (err instanceof ApiError && err.code === 'INSUFFICIENT_CREDITS') void refreshQuietly();
    return null;
  }
}

/** A background re-read of the balance: a failure here changes nothing the merchant needs told. */
async function refreshQuietly(): Promise<void> {
  const credits = await api.credits().catch(() => null);
  if (credits) applyCredits(credits);
}

export function saveGeneration(key: string, gen: Generation): void {
  setState((s) => ({ generations: { ...s.generations, [key]: gen } }));
}

// ---- Account and local developer controls ----------------------------------------------------

export async function switchAccount(accountId: string): Promise<void> {
  const id = accountId.trim();
  if (!id) return;
  localStorage.setItem(ACCOUNT_KEY, id);
  resetToken();
  clearPendingTopUp();
  setState((s) => ({
    accountId: id,
    session: s.session + 1,
    credits: null,
    attempts: null,
    cooldown: null,
    modal: null,
    generations: {},
  }));
  await refreshCredits();
}

/** Local mode: the billing system's subscription webhook, then wait for the plan to apply. */
export async function changePlanLocally(plan: PlanId): Promise<boolean> {
  const { accountId } = getState();
  try {
    await api.local.setPlan(accountId, plan);
  } catch (err) {
    reportError(err, 'Could not change the plan');
    return false;
  }
  // The plan applies asynchronously (the event bus): poll until the credits say so.
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const credits = await api.credits().catch(() => null);
    if (credits && credits.plan === plan) {
      applyCredits(credits);
      pushToast({
        kind: 'success',
        title: `Plan: ${planLabel(currentCatalog(), plan)}`,
        message: `Your allowance is now ${credits.credits.allowance} credits.`,
        ttlMs: 5000,
      });
      return true;
    }
    await sleep(120);
  }
  await refreshCredits();
  pushToast({ kind: 'error', title: 'The plan change has not applied yet', message: 'Try refreshing in a moment.' });
  return false;
}

export async function setClockOffset(offsetSeconds: number): Promise<void> {
  try {
    await api.local.setClock(offsetSeconds);
  } catch (err) {
    reportError(err, 'Could not move the clock');
    return;
  }
  localStorage.setItem(CLOCK_KEY, String(offsetSeconds));
  setState({ clockOffset: offsetSeconds });
  await refreshCredits();
}

/**
 * The checkout URL with where to come back to (local checkout page): this page, route included, so a
 * checkout that ends in this same tab lands where the merchant was, not on the first page.
 */
export function checkoutUrlFor(checkoutUrl: string): string {
  if (getState().config.mode !== 'local') return checkoutUrl;
  const url = new URL(checkoutUrl, location.href);
  url.searchParams.set('returnTo', `${location.pathname}${location.search}${location.hash}`);
  return url.toString();
}

// ---- Top-ups -----------------------------------------------------------------------------------

export function restorePendingTopUp(): void {
  const raw = sessionStorage.getItem(TOPUP_KEY);
  if (!raw) return;
  try {
    const pending = JSON.parse(raw);
    if (pending && pending.id && pending.accountId === getState().accountId) {
      setState({ pendingTopUp: pending });
      return;
    }
  } catch {
    // A damaged entry is dropped below.
  }
  sessionStorage.removeItem(TOPUP_KEY);
}

export function setPendingTopUp(pending: NonNullable<ReturnType<typeof getState>['pendingTopUp']>): void {
  sessionStorage.setItem(TOPUP_KEY, JSON.stringify({ ...pending, accountId: getState().accountId }));
  setState({ pendingTopUp: pending });
}

export function clearPendingTopUp(): void {
  sessionStorage.removeItem(TOPUP_KEY);
  setState({ pendingTopUp: null });
}

/**
 * Back from the checkout page in a tab that did not start the top-up (so holds no pending entry):
 * follow the newest top-up if it is still pending.
 */
export async function resumeAfterCheckout(): Promise<void> {
  if (getState().pendingTopUp) return;
  const list = await api.topUps().then(itemsOf).catch(() => []);
  // An auto top-up is charged to the saved card: it has no checkout to come back from.
  const bought = list.filter((t) => t.trigger !== 'auto' && t.checkoutUrl);
  const newest = [...bought].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  if (newest?.status === 'pending' && newest.checkoutUrl) {
    setPendingTopUp({
      id: newest.id,
      credits: newest.credits,
      checkoutUrl: newest.checkoutUrl,
      // Unknown here: rely on the top-up's own status rather than on the balance.
      baselinePurchased: null,
      startedAt: Date.now(),
    });
  }
}

const TOPUP_POLL_MS = 1500;
const TOPUP_GIVE_UP_MS = 30 * 60 * 1000;

/**
 * While a top-up is pending, poll the balance (and the top-up's status) until the payment lands.
 * Returns a stop function. The checkout runs in another tab, or sends this tab back to `/?topup=done`.
 */
/**
 * Back on the control that needed the credits. After a checkout in this same tab the page was
 * reloaded and focus is nowhere; a dialog closing puts it back by itself, so only then.
 */
function resumeAt(testId: string | undefined): void {
  if (!testId) return;
  requestAnimationFrame(() => {
    const active = document.activeElement;
    if (active && active !== document.body && active.id !== 'main') return;
    document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(testId)}"]`)?.focus();
  });
}

export function watchPendingTopUp(): () => void {
  let stopped = false;
  let timer: number | undefined;
  // A message from the checkout tab may arrive while a poll is under way: one poll at a time, and
  // one more right after it (that poll may have read the balance before the payment landed).
  let running = false;
  let again = false;
  // One poll; true once the watch is over (landed, failed, given up or stopped).
  const check = async (): Promise<boolean> => {
    const pending = getState().pendingTopUp;
    if (stopped || !pending) return true;
    if (Date.now() - pending.startedAt > TOPUP_GIVE_UP_MS) {
      clearPendingTopUp();
      return true;
    }
    const [credits, list] = await Promise.all([
      api.credits().catch(() => null),
      api.topUps().then(itemsOf).catch(() => null),
    ]);
    if (stopped) return true;
    const status = list?.find((t) => t.id === pending.id)?.status;
    // The two reads race the payment: a top-up read as paid may come with a balance read before it
    // landed. Read the balance again then, so the page never announces credits it does not show.
    const balance = status === 'paid' ? ((await api.credits().catch(() => null)) ?? credits) : credits;
    if (stopped) return true;
    if (balance) applyCredits(balance);
    const shows = balance !== null && pending.baselinePurchased !== null && balance.credits.purchased >= pending.baselinePurchased + pending.credits;
    // Without a baseline (a tab that did not start the top-up) the status decides, once a balance is read.
    const landed = shows || (status === 'paid' && pending.baselinePurchased === null && balance !== null);
    if (landed) {
      clearPendingTopUp();
      setState((s) => (s.modal?.kind === 'topup' ? { modal: null } : {}));
      resumeAt(pending.resumeTestId);
      pushToast({
        kind: 'success',
        title: 'Payment received',
        message: `${pending.credits} credits were added to your balance. You can carry on where you left off.`,
        ttlMs: 8000,
      });
      return true;
    }
    if (status === 'failed') {
      clearPendingTopUp();
      pushToast({ kind: 'error', title: 'Payment failed', message: 'No credits were added. You can try the top-up again.' });
      return true;
    }
    return false;
  };
  const tick = async () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    // A poll that throws (an unexpected answer while the service is busy) must not end the watch:
    // the payment may still land, and the merchant is waiting for it on this page.
    const done = await check().catch(() => false);
    running = false;
    window.clearTimeout(timer);
    if (!done && !stopped) timer = window.setTimeout(tick, again ? 0 : TOPUP_POLL_MS);
  };
  // The checkout tab says when it is done (same origin only), so the balance follows at once.
  const onMessage = (e: MessageEvent) => {
    if (e.origin !== location.origin || (e.data as { type?: string } | null)?.type !== 'ai-credits:checkout') return;
    window.clearTimeout(timer);
    void tick();
  };
  window.addEventListener('message', onMessage);
  timer = window.setTimeout(tick, 300);
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    window.removeEventListener('message', onMessage);
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => window.setTimeout(r, ms));
}
