/**
 * Request schemas of the public API, shared by the handlers (validation) and the OpenAPI document.
 * Every string and list is capped as docs/contract.md says; unknown keys are refused (`strict`).
 */
import * as z from '#zod';
import { LIMITS, PLAN_IDS, TOP_UP_PACKS } from '../config.ts';
import { IMAGE_LIMITS, IMAGE_STYLES, UPLOAD_CONTENT_TYPES } from './images.ts';

const text = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));
const shortList = z.array(text(1, 100)).check(z.maxLength(20));

export const Tone = z.enum(['neutral', 'friendly', 'professional', 'playful', 'luxury']);
export type Tone = z.infer<typeof Tone>;

export const ProductInput = z.strictObject({
  name: text(1, 200),
  category: z.optional(text(1, 100)),
  features: z.optional(shortList),
  keywords: z.optional(shortList),
  tone: z.optional(Tone),
  language: z.optional(z.literal('en')),
  notes: z.optional(z.string().check(z.maxLength(1000))),
});
export type ProductInput = z.infer<typeof ProductInput>;

export const ImageInput = z.strictObject({
  uploadId: text(1, 100),
  style: z.optional(z.enum(IMAGE_STYLES)),
});
export type ImageInput = z.infer<typeof ImageInput>;

export const BlogInput = z.strictObject({
  topic: text(1, 200),
  keywords: z.optional(shortList),
  tone: z.optional(Tone),
  length: z.enum(['short', 'medium', 'long']),
  productIds: z.optional(z.array(text(1, 100)).check(z.maxLength(10))),
  language: z.optional(z.literal('en')),
});
export type BlogInput = z.infer<typeof BlogInput>;

export const DesignInput = z.strictObject({
  storeName: text(1, 100),
  industry: text(1, 100),
  audience: z.optional(text(1, 200)),
  style: z.optional(z.enum(['minimal', 'bold', 'elegant', 'playful'])),
});
export type DesignInput = z.infer<typeof DesignInput>;

const productId = text(1, 100);

export const GenerateRequest = z.discriminatedUnion('feature', [
  z.strictObject({ feature: z.literal('product_description'), productId, input: ProductInput }),
  z.strictObject({ feature: z.literal('seo_meta'), productId, input: ProductInput }),
  z.strictObject({ feature: z.literal('image_enhancement'), productId: z.optional(productId), input: ImageInput }),
  z.strictObject({ feature: z.literal('blog_post'), productId: z.optional(productId), input: BlogInput }),
  z.strictObject({ feature: z.literal('website_design'), productId: z.optional(productId), input: DesignInput }),
]);
export type GenerateRequest = z.infer<typeof GenerateRequest>;

export const SelectRequest = z.strictObject({ index: z.number().check(z.int(), z.gte(0), z.lte(1)) });

/** `POST /v1/uploads`: what the merchant is about to PUT (the presigned URL signs both). */
export const UploadRequest = z.strictObject({
  contentType: z.enum(UPLOAD_CONTENT_TYPES),
  bytes: z.number().check(z.int(), z.gte(1), z.lte(IMAGE_LIMITS.maxUploadBytes)),
});
export type UploadRequest = z.infer<typeof UploadRequest>;

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

export const TokenRequest = z.strictObject({
  accountId: text(1, 100),
  scopes: z.optional(z.array(text(1, 100)).check(z.maxLength(20))),
  sub: z.optional(text(1, 100)),
});

export const ClockRequest = z.strictObject({ offsetSeconds: z.number() });

export const accountIdParam = text(1, 100).check(z.regex(/^[A-Za-z0-9_\-:.]+$/, 'letters, digits and _-:. only'));

const DAY_MS = 86_400_000;
/**
 * An instant of a usage range: a UTC day (`2026-12-01`) or an ISO date-time with an offset, answered in
 * UTC. A day as `to` ends the range after that day (`to` is exclusive), so `from=to=2026-12-01` is that day.
 */
const rangeBound = (end: boolean) =>
  z.pipe(
    z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
    z.transform((s: string) => (s.length === 10 ? new Date(Date.parse(`${s}T00:00:00Z`) + (end ? DAY_MS : 0)) : new Date(s)).toISOString()),
  );

export const UsageQuery = z.object({
  from: z.optional(rangeBound(false)),
  to: z.optional(rangeBound(true)),
  groupBy: z._default(z.enum(['feature', 'day', 'product']), 'feature'),
});
