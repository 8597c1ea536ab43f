/**
 * Generation attempts per account: at most `maxAttempts` in a window that opens at the first attempt;
 * the next attempt starts a cooldown (one `cooldown_started` notification) during which every attempt
 * is refused with the same `cooldownUntil`. The window lives on the account's balance item, so one
 * conditional write counts an attempt and charges it (`attempt.ts`); expiry is always compared on read.
 * A started cooldown is also recorded as an item of its own with a TTL attribute.
 */
import type { RateLimitConfig } from '../env.ts';
import type { Clock } from './clock.ts';
import { CooldownActive, DomainError } from './errors.ts';
import type { CreditStore, NotificationStore, RateState } from './ports.ts';
import type { TelemetryDeps } from './telemetry.ts';

export type { RateState } from './ports.ts';

export interface RateLimitStore {
  /**
   * Records a cooldown that has just started (once per cooldown) as an item that expires with it (TTL).
   * The balance item stays the authority: this record is for operators and TTL-driven consumers.
   */
  recordCooldown(accountId: string, cooldown: { startedAt: string; until: string; expiresAt: number }): Promise<void>;
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
  /** The window's length (the policy the RateLimit headers state). */
  windowSeconds: number;
}

export const secondsUntil = (iso: string, now: Date): number => Math.max(1, Math.ceil((Date.parse(iso) - now.getTime()) / 1000));

export function rateView(state: RateState | null, cfg: RateLimitConfig, now: Date): RateView {
  const nowIso = now.toISOString();
  const policy = { limit: cfg.maxAttempts, windowSeconds: cfg.windowSeconds };
  if (state?.cooldownUntil && state.cooldownUntil > nowIso) {
    return { ...policy, remaining: 0, windowResetAt: null, cooldownUntil: state.cooldownUntil, resetSeconds: secondsUntil(state.cooldownUntil, now) };
  }
  if (state && state.windowEnd > nowIso) {
    return {
      ...policy,
      remaining: Math.max(0, cfg.maxAttempts - state.count),
      windowResetAt: state.windowEnd,
      cooldownUntil: null,
      resetSeconds: secondsUntil(state.windowEnd, now),
    };
  }
  return { ...policy, remaining: cfg.maxAttempts, windowResetAt: null, cooldownUntil: null, resetSeconds: 0 };
}

/** The account's rate view as stored now (one consistent read of the balance item). */
export async function currentRate(deps: Pick<RateLimitDeps, 'clock' | 'rateLimit'> & { store: CreditStore }, accountId: string): Promise<RateView> {
  return rateView((await deps.store.getAccount(accountId))?.rate ?? null, deps.rateLimit, deps.clock.now());
}

export function cooldownError(until: string, now: Date, cfg: RateLimitConfig): CooldownActive {
  const err = new CooldownActive(until, secondsUntil(until, now));
  return withRate(err, { limit: cfg.maxAttempts, windowSeconds: cfg.windowSeconds, remaining: 0, windowResetAt: null, cooldownUntil: until, resetSeconds: err.retryAfterSeconds });
}

/** Attaches the rate view a generation refusal reports in its RateLimit headers. */
export function withRate<E>(err: E, view: RateView): E {
  if (err instanceof DomainError) err.rateLimit = view;
  return err;
}
