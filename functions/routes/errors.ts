/**
 * The error envelope of docs/contract.md, per code: its status, what it means and the details beside
 * `code` and `message`. Read by lib/openapi.ts only (no handler needs it: they throw the classes of
 * functions/core/errors.ts); test/unit/openapi.test.ts checks every DomainError against it.
 */
import * as z from '#zod';
import { LIMITS } from '../config.ts';
import type { ErrorCode } from './route.ts';

export interface ErrorDoc {
  status: number;
  description: string;
  /** Fields beside `code` and `message`. */
  details?: z.core.$ZodShape;
}

const dateTime = z.iso.datetime();

export const ERRORS: Record<ErrorCode, ErrorDoc> = {
  VALIDATION_FAILED: {
    status: 400,
    description: 'Malformed JSON, wrong types, unknown keys, a limit exceeded, or a parameter that does not decode.',
    details: { issues: z.array(z.object({ path: z.string(), message: z.string() })) },
  },
  UNAUTHORIZED: { status: 401, description: 'Missing or bad token.' },
  INVALID_SIGNATURE: { status: 401, description: 'Missing or bad webhook signature, or a timestamp outside the tolerance.' },
  INSUFFICIENT_CREDITS: {
    status: 402,
    description: 'Not enough credits: `action` says whether to upgrade (free plan) or top up (paid plans).',
    details: { action: z.enum(['upgrade', 'top_up']), required: z.int(), available: z.int() },
  },
  PLAN_UPGRADE_REQUIRED: { status: 403, description: 'The feature is not in the plan.', details: { action: z.literal('upgrade') } },
  FORBIDDEN: { status: 403, description: 'The token lacks a scope the route needs.' },
  NOT_FOUND: { status: 404, description: "Unknown resource, or another account's." },
  CONFLICT: {
    status: 409,
    description: 'A state that forbids the change (e.g. a draft already scheduled, with its `postId`).',
    details: { postId: z.optional(z.string()) },
  },
  ADJUSTMENT_EXCEEDS_BALANCE: { status: 409, description: 'An admin debit larger than the purchased balance.' },
  ALREADY_PUBLISHED: { status: 409, description: 'The blog post was already published.' },
  LIMIT_REACHED: {
    status: 409,
    description: `A per-account cap reached (${LIMITS.maxScheduledPosts} scheduled blog posts, ${LIMITS.maxUploadsPerWindow} uploads per rolling ${LIMITS.uploadWindowSeconds / 3600} h, ${LIMITS.maxActiveGrants} grants in use); nothing was created or charged.`,
    details: { limit: z.int().check(z.gte(1)) },
  },
  IDEMPOTENCY_CONFLICT: { status: 409, description: 'The same `Idempotency-Key` with a different body, or one still in progress.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: `Body over ${LIMITS.maxBodyBytes} bytes.`, details: { limitBytes: z.int() } },
  COOLDOWN_ACTIVE: {
    status: 429,
    description: 'Generation rate limit hit: a cooldown runs until `cooldownUntil`.',
    details: { cooldownUntil: dateTime, retryAfterSeconds: z.int().check(z.gte(0)) },
  },
  GENERATION_FAILED: {
    status: 502,
    description: 'The model call failed or returned unusable output; the credits were refunded.',
    details: { creditsRefunded: z.int().check(z.gte(0)) },
  },
  SERVICE_UNAVAILABLE: { status: 503, description: 'A dependency (the webhook secret store, the scheduler, the bus) is unavailable; retry after `Retry-After`.' },
};

/** The envelope of one code: `{ error: { code, message, ...details } }`. */
export function errorEnvelope(code: ErrorCode): z.ZodMiniObject {
  return z.object({ error: z.object({ code: z.literal(code), message: z.string(), ...ERRORS[code].details }) });
}
