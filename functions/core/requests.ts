/**
 * Request schemas of the credits, top-up, blog-post, admin and local routes: small, so every function
 * that reads one of them carries little. The generation inputs (and the schemas that need the image
 * limits) are in schemas.ts.
 */
import * as z from '#zod';
import { LIMITS, PLAN_IDS, TOP_UP_PACKS } from '../config.ts';

/** A trimmed string of `min`..`max` characters. */
export const text = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));

/** `publishAt`: an ISO 8601 date-time with `Z` or an offset (the date-time picker's local time plus its offset). */
export const BlogPostRequest = z.strictObject({
  generationId: text(1, 100),
  index: z.number().check(z.int(), z.gte(0), z.lte(1)),
  publishAt: z.iso.datetime({ offset: true }),
});

export const BlogPostsQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), LIMITS.blogPostsPageDefault),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(400))),
  /** Only posts in this status; by default scheduled and published ones. */
  status: z.optional(z.enum(['scheduled', 'published', 'canceled'])),
});

export const LedgerQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(LIMITS.ledgerPageMax)), LIMITS.ledgerPageDefault),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
});

export const AdjustmentRequest = z.strictObject({
  amount: z.number().check(z.int(), z.refine((n) => n !== 0, 'must not be 0'), z.refine((n) => Math.abs(n) <= 1_000_000, 'too large')),
  reason: text(1, 500),
});

export const GrantRequest = z.strictObject({
  amount: z.number().check(z.int(), z.gte(1), z.lte(100_000)),
  reason: text(1, 500),
  category: z.enum(['promotional', 'compensation']),
  expiresAt: z.optional(z.iso.datetime({ offset: true })),
});

export const TopUpRequest = z.strictObject({
  packId: z.enum(TOP_UP_PACKS.map((p) => p.id) as [string, ...string[]]),
});

export const PlanId = z.enum(PLAN_IDS);

export const accountIdParam = text(1, 100).check(z.regex(/^[A-Za-z0-9_\-:.]+$/, 'letters, digits and _-:. only'));
