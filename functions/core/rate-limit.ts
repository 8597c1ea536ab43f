/**
 * Generation attempts per account: at most `maxAttempts` in a window that opens at the first attempt;
 * the next attempt starts a cooldown (one `cooldown_started` notification) during which every attempt
 * is refused with the same `cooldownUntil`. The window and cooldown live on one item with a TTL
 * attribute, so counting and starting a cooldown are single conditional writes; expiry is always
 * compared on read, never left to TTL deletion.
 */
import type { RateLimitConfig } from '../config.ts';
import type { Clock } from './clock.ts';
import { CooldownActive } from './errors.ts';
import { newId } from './ids.ts';
import type { NotificationStore } from './ports.ts';
import { telemetryOf, type TelemetryDeps } from './telemetry.ts';

export interface RateState {
  windowStart: string;
  windowEnd: string;
  count: number;
  cooldownUntil?: string;
}

export type RateWrite = { ok: true; state: RateState } | { ok: false; state: RateState | null };

export interface RateLimitStore {
  getRate(accountId: string): Promise<RateState | null>;
  /** count + 1 if the window is open at `now`, below `max`, and no cooldown is running. */
  increment(accountId: string, now: string, max: number): Promise<RateWrite>;
  /** Opens a new window with count 1, if the one seen (`previousEnd`, or none) is still the stored one and no cooldown runs. */
  openWindow(accountId: string, state: RateState, previousEnd: string | null, now: string, expiresAt: number): Promise<RateWrite>;
  /** Starts a cooldown if the full window seen is still the stored one and none runs yet. */
  startCooldown(accountId: string, windowEnd: string, until: string, now: string, max: number, expiresAt: number): Promise<RateWrite>;
  /** Gives back an attempt that was refused for credits, if its window is still the stored one. */
  release(accountId: string, windowStart: string): Promise<void>;
}

export interface RateLimitDeps extends TelemetryDeps {
  rate: RateLimitStore;
  notifications: NotificationStore;
  clock: Clock;
  rateLimit: RateLimitConfig;
}

/** What the RateLimit headers and `GET /v1/credits` show. */
export interface RateView {
  limit: number;
  remaining: number;
  windowResetAt: string | null;
  cooldownUntil: string | null;
  /** Seconds until the window or cooldown ends (0 when neither runs). */
  resetSeconds: number;
}

const secondsUntil = (iso: string, now: Date): number => Math.max(1, Math.ceil((Date.parse(iso) - now.getTime()) / 1000));

export function rateView(state: RateState | null, cfg: RateLimitConfig, now: Date): RateView {
  const nowIso = now.toISOString();
  if (state?.cooldownUntil && state.cooldownUntil > nowIso) {
    return { limit: cfg.maxAttempts, remaining: 0, windowResetAt: null, cooldownUntil: state.cooldownUntil, resetSeconds: secondsUntil(state.cooldownUntil, now) };
  }
  if (state && state.windowEnd > nowIso) {
    return {
      limit: cfg.maxAttempts,
      remaining: Math.max(0, cfg.maxAttempts - state.count),
      windowResetAt: state.windowEnd,
      cooldownUntil: null,
      resetSeconds: secondsUntil(state.windowEnd, now),
    };
  }
  return { limit: cfg.maxAttempts, remaining: cfg.maxAttempts, windowResetAt: null, cooldownUntil: null, resetSeconds: 0 };
}

export async function currentRate(deps: Pick<RateLimitDeps, 'rate' | 'clock' | 'rateLimit'>, accountId: string): Promise<RateView> {
  return rateView(await deps.rate.getRate(accountId), deps.rateLimit, deps.clock.now());
}

export interface Attempt {
  view: RateView;
  /** The window the attempt was counted in, to release it if the attempt is refused for credits. */
  windowStart: string;
}

const MAX_RACES = 32;

function cooldown(until: string, now: Date, cfg: RateLimitConfig): CooldownActive {
  const err = new CooldownActive(until, secondsUntil(until, now));
  err.rateLimit = { limit: cfg.maxAttempts, remaining: 0, resetSeconds: err.retryAfterSeconds, windowSeconds: cfg.windowSeconds };
  return err;
}

/** Counts one generation attempt or throws `CooldownActive` (starting the cooldown when this is the attempt past the limit). */
export async function countAttempt(deps: RateLimitDeps, accountId: string): Promise<Attempt> {
  const cfg = deps.rateLimit;
  for (let race = 0; race < MAX_RACES; race++) {
    const now = deps.clock.now();
    const nowIso = now.toISOString();
    const inc = await deps.rate.increment(accountId, nowIso, cfg.maxAttempts);
    if (inc.ok) return { view: rateView(inc.state, cfg, now), windowStart: inc.state.windowStart };
    const s = inc.state;
    if (s?.cooldownUntil && s.cooldownUntil > nowIso) throw cooldown(s.cooldownUntil, now, cfg);
    if (!s || s.windowEnd <= nowIso) {
      const windowEnd = new Date(now.getTime() + cfg.windowSeconds * 1000).toISOString();
      const opened = await deps.rate.openWindow(
        accountId,
        { windowStart: nowIso, windowEnd, count: 1 },
        s?.windowEnd ?? null,
        nowIso,
        Math.ceil(Date.parse(windowEnd) / 1000),
      );
      if (opened.ok) return { view: rateView(opened.state, cfg, now), windowStart: nowIso };
      continue;
    }
    // The window is full: this attempt starts the cooldown, unless a concurrent one already did.
    const until = new Date(now.getTime() + cfg.cooldownSeconds * 1000).toISOString();
    const started = await deps.rate.startCooldown(accountId, s.windowEnd, until, nowIso, cfg.maxAttempts, Math.ceil(Date.parse(until) / 1000));
    if (started.ok) {
      telemetryOf(deps).cooldownStarted();
      await deps.notifications.add(accountId, {
        id: newId('ntf', now),
        type: 'cooldown_started',
        message: `You've made ${cfg.maxAttempts} AI generation attempts within ${Math.round(cfg.windowSeconds / 60)} minutes. Generation is paused until ${until.slice(11, 16)} UTC.`,
        createdAt: nowIso,
      });
      throw cooldown(until, now, cfg);
    }
  }
  throw new Error(`rate limit on ${accountId} lost ${MAX_RACES} races`);
}
