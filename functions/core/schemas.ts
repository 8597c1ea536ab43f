/**
 * Request schemas of the public API, shared by the handlers (validation) and the OpenAPI document.
 * Every string and list is capped as docs/contract.md says; unknown keys are refused (`strict`).
 */
import * as z from 'zod';
import { LIMITS, PLAN_IDS, TOP_UP_PACKS } from '../config.ts';
import { IMAGE_LIMITS, UPLOAD_CONTENT_TYPES } from './images.ts';

const text = (min: number, max: number) => z.string().trim().min(min).max(max);
const shortList = z.array(text(1, 100)).max(20);

export const Tone = z.enum(['neutral', 'friendly', 'professional', 'playful', 'luxury']);
export type Tone = z.infer<typeof Tone>;

export const ProductInput = z.strictObject({
  name: text(1, 200),
  category: text(1, 100).optional(),
  features: shortList.optional(),
  keywords: shortList.optional(),
  tone: Tone.optional(),
  language: z.literal('en').optional(),
  notes: z.string().max(1000).optional(),
});
export type ProductInput = z.infer<typeof ProductInput>;

export const ImageInput = z.strictObject({
  uploadId: text(1, 100),
  style: z.enum(['auto', 'white_background']).optional(),
});
export type ImageInput = z.infer<typeof ImageInput>;

export const BlogInput = z.strictObject({
  topic: text(1, 200),
  keywords: shortList.optional(),
  tone: Tone.optional(),
  length: z.enum(['short', 'medium', 'long']),
  productIds: z.array(text(1, 100)).max(10).optional(),
  language: z.literal('en').optional(),
});
export type BlogInput = z.infer<typeof BlogInput>;

export const DesignInput = z.strictObject({
  storeName: text(1, 100),
  industry: text(1, 100),
  audience: text(1, 200).optional(),
  style: z.enum(['minimal', 'bold', 'elegant', 'playful']).optional(),
});
export type DesignInput = z.infer<typeof DesignInput>;

const productId = text(1, 100);

export const GenerateRequest = z.discriminatedUnion('feature', [
  z.strictObject({ feature: z.literal('product_description'), productId, input: ProductInput }),
  z.strictObject({ feature: z.literal('seo_meta'), productId, input: ProductInput }),
  z.strictObject({ feature: z.literal('image_enhancement'), productId: productId.optional(), input: ImageInput }),
  z.strictObject({ feature: z.literal('blog_post'), productId: productId.optional(), input: BlogInput }),
  z.strictObject({ feature: z.literal('website_design'), productId: productId.optional(), input: DesignInput }),
]);
export type GenerateRequest = z.infer<typeof GenerateRequest>;

export const SelectRequest = z.strictObject({ index: z.number().int().min(0).max(1) });

/** `POST /v1/uploads`: what the merchant is about to PUT (the presigned URL signs both). */
export const UploadRequest = z.strictObject({
  contentType: z.enum(UPLOAD_CONTENT_TYPES),
  bytes: z.number().int().min(1).max(IMAGE_LIMITS.maxUploadBytes),
});
export type UploadRequest = z.infer<typeof UploadRequest>;

/** `publishAt`: an ISO 8601 date-time with `Z` or an offset (the date-time picker's local time plus its offset). */
export const BlogPostRequest = z.strictObject({
  generationId: text(1, 100),
  index: z.number().int().min(0).max(1),
  publishAt: z.iso.datetime({ offset: true }),
});

export const BlogPostsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(LIMITS.blogPostsPageDefault),
  cursor: z.string().min(1).max(400).optional(),
  /** Only posts in this status; by default scheduled and published ones. */
  status: z.enum(['scheduled', 'published', 'canceled']).optional(),
});

export const LedgerQuery = z.object({
  limit: z.coerce.number().int().min(1).max(LIMITS.ledgerPageMax).default(LIMITS.ledgerPageDefault),
  cursor: z.string().min(1).max(200).optional(),
});

export const AdjustmentRequest = z.strictObject({
  amount: z.number().int().refine((n) => n !== 0, 'must not be 0').refine((n) => Math.abs(n) <= 1_000_000, 'too large'),
  reason: text(1, 500),
});

export const TopUpRequest = z.strictObject({
  packId: z.enum(TOP_UP_PACKS.map((p) => p.id) as [string, ...string[]]),
});

export const PlanId = z.enum(PLAN_IDS);

export const TokenRequest = z.strictObject({
  accountId: text(1, 100),
  scopes: z.array(text(1, 100)).max(20).optional(),
  sub: text(1, 100).optional(),
});

export const ClockRequest = z.strictObject({ offsetSeconds: z.number().finite() });

export const accountIdParam = text(1, 100).regex(/^[A-Za-z0-9_\-:.]+$/, 'letters, digits and _-:. only');
