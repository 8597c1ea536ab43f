/**
 * The closed taxonomy of domain errors. Domain code throws these; `functions/http/errors.ts`
 * is the single place that turns them into the `{error:{code,message,...}}` envelope and status.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Response headers this refusal carries (Retry-After, RateLimit fields). */
  headers: Record<string, string> = {};
  /** The rate-limit state a generation refusal reports in its RateLimit headers. */
  rateLimit?: { limit: number; remaining: number; resetSeconds: number; windowSeconds: number };
  /** Extra fields merged into the error envelope (`issues`, `action`, `required`, ...). */
  details(): Record<string, unknown> {
    return {};
  }
}

export interface ValidationIssue {
  path: string;
  message: string;
}

export class ValidationFailed extends DomainError {
  readonly status = 400;
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly issues: ValidationIssue[], message = 'The request is not valid.') {
    super(message);
  }
  details() {
    return { issues: this.issues };
  }
}

export class Unauthorized extends DomainError {
  readonly status = 401;
  readonly code = 'UNAUTHORIZED';
  constructor(message = 'A valid bearer token is required.') {
    super(message);
  }
}

export class InvalidSignature extends DomainError {
  readonly status = 401;
  readonly code = 'INVALID_SIGNATURE';
  constructor(message = 'The webhook signature is missing, stale or wrong.') {
    super(message);
  }
}

export type CreditAction = 'upgrade' | 'top_up';

export class InsufficientCredits extends DomainError {
  readonly status = 402;
  readonly code = 'INSUFFICIENT_CREDITS';
  constructor(readonly required: number, readonly available: number, readonly action: CreditAction) {
    super(
      action === 'upgrade'
        ? `This needs ${required} credit${required === 1 ? '' : 's'} and you have ${available}. Upgrade your plan for more monthly credits.`
        : `This needs ${required} credit${required === 1 ? '' : 's'} and you have ${available}. Top up to keep generating.`,
    );
  }
  details() {
    return { action: this.action, required: this.required, available: this.available };
  }
}

export class PlanUpgradeRequired extends DomainError {
  readonly status = 403;
  readonly code = 'PLAN_UPGRADE_REQUIRED';
  constructor(message = 'This is available on paid plans. Upgrade to use it.') {
    super(message);
  }
  details() {
    return { action: 'upgrade' };
  }
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly code = 'FORBIDDEN';
  constructor(message = 'The token lacks the scope this route needs.') {
    super(message);
  }
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly code = 'NOT_FOUND';
  constructor(message = 'Not found.') {
    super(message);
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly code: string;
  constructor(message: string, code = 'CONFLICT', private readonly extra: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
  }
  details() {
    return this.extra;
  }
}

/** A per-account cap of the configuration module (`LIMITS`) is reached; nothing was created or charged. */
export class LimitReached extends DomainError {
  readonly status = 409;
  readonly code = 'LIMIT_REACHED';
  constructor(readonly limit: number, message: string) {
    super(message);
  }
  details() {
    return { limit: this.limit };
  }
}

export class IdempotencyConflict extends DomainError {
  readonly status = 409;
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(message = 'This Idempotency-Key was used with a different request, or that request is still in progress.') {
    super(message);
  }
}

export class PayloadTooLarge extends DomainError {
  readonly status = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes.`);
  }
  details() {
    return { limitBytes: this.limitBytes };
  }
}

export class CooldownActive extends DomainError {
  readonly status = 429;
  readonly code = 'COOLDOWN_ACTIVE';
  constructor(readonly cooldownUntil: string, readonly retryAfterSeconds: number) {
    super(
      `You've reached the limit of AI generations for now. You can generate again in ${Math.ceil(retryAfterSeconds / 60)} minute${Math.ceil(retryAfterSeconds / 60) === 1 ? '' : 's'}.`,
    );
    this.headers['retry-after'] = String(retryAfterSeconds);
  }
  details() {
    return { cooldownUntil: this.cooldownUntil, retryAfterSeconds: this.retryAfterSeconds };
  }
}

export class GenerationFailed extends DomainError {
  readonly status = 502;
  readonly code = 'GENERATION_FAILED';
  constructor(readonly creditsRefunded: number, message = 'The AI model did not produce a usable result. Your credits were refunded.') {
    super(message);
  }
  details() {
    return { creditsRefunded: this.creditsRefunded };
  }
}

/** Why a model call failed; every kind ends in a refund and a 502. */
export type ModelFailureKind = 'timeout' | 'throttled' | 'unavailable' | 'invalid_output';

export class ModelFailure extends Error {
  constructor(readonly kind: ModelFailureKind, message: string, readonly cause?: unknown) {
    super(message);
  }
}

/**
 * A dependency the request needs (the event bus) refused it. Not caused by the input: the caller (the
 * billing system) should retry the same delivery later, which is safe because events apply once.
 */
export class ServiceUnavailable extends DomainError {
  readonly status = 503;
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(message = 'The event could not be accepted right now. Retry the delivery.', retryAfterSeconds = 30) {
    super(message);
    this.headers['retry-after'] = String(retryAfterSeconds);
  }
}
