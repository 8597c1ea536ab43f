/**
 * Request schemas of the generation routes (the inputs each feature takes) and of uploads, shared by the
 * handlers (validation), the page's types and the OpenAPI document; the other routes' are in requests.ts.
 * Every string and list is capped as docs/contract.md says; unknown keys are refused (`strict`).
 */
import * as z from '#zod';
import { LIMITS } from '../config.ts';
import { text } from './requests.ts';
import { IMAGE_LIMITS, IMAGE_STYLES, UPLOAD_CONTENT_TYPES } from './images.ts';

const P = LIMITS.productInput;
const shortList = z.array(text(1, P.listItemMaxChars)).check(z.maxLength(P.listMaxItems));

export const Tone = z.enum(['neutral', 'friendly', 'professional', 'playful', 'luxury']);
export type Tone = z.infer<typeof Tone>;

/** `en` (the default) or `fil` (Filipino), for every text feature. */
export const Language = z.enum(['en', 'fil']);
export type Language = z.infer<typeof Language>;

export const ProductInput = z.strictObject({
  name: text(1, P.nameMaxChars),
  category: z.optional(text(1, P.categoryMaxChars)),
  features: z.optional(shortList),
  keywords: z.optional(shortList),
  tone: z.optional(Tone),
  language: z.optional(Language),
  notes: z.optional(z.string().check(z.maxLength(P.notesMaxChars))),
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
  language: z.optional(Language),
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
